import type { Child, FC } from "hono/jsx";
import type { Flash } from "../security/session.ts";
import { STYLES } from "./styles.ts";

export interface LayoutProps {
  title: string;
  flash?: Flash | undefined;
  children?: Child;
}

/** Shows the previous request's flash message, if any. */
export const FlashMessage: FC<{ flash?: Flash | undefined }> = ({ flash }) =>
  flash ? (
    <p class={`flash flash-${flash.kind}`} role={flash.kind === "alert" ? "alert" : "status"}>
      {flash.message}
    </p>
  ) : null;

/** The page frame Nimbus uses unless the app passes its own `layout` to createApp. */
export const DefaultLayout: FC<LayoutProps> = ({ title, flash, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style>{STYLES}</style>
    </head>
    <body>
      <main>
        <FlashMessage flash={flash} />
        {children}
      </main>
    </body>
  </html>
);
