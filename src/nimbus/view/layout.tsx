import type { Child, FC } from "hono/jsx";
import type { Flash, Session } from "../security/session.ts";
import { STYLES } from "./styles.ts";

export interface LayoutProps {
  title: string;
  /** The app's name, shown in the header as a link home (createApp's `name`). */
  appName?: string | undefined;
  flash?: Flash | undefined;
  /**
   * The viewer's session, for a layout that shows who is signed in or needs the CSRF token.
   * While a shared cached page is rendered it is a stand-in holding no one's data.
   */
  session?: Session | undefined;
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
export const DefaultLayout: FC<LayoutProps> = ({ title, appName, flash, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{appName ? `${title} · ${appName}` : title}</title>
      {/* No favicon request, so no 404 in every page's console. */}
      <link rel="icon" href="data:," />
      {/* Raw, not a text child: JSX would escape `>` in selectors such as form>button. */}
      <style dangerouslySetInnerHTML={{ __html: STYLES }} />
    </head>
    <body>
      {appName ? (
        <header>
          <a href="/">{appName}</a>
        </header>
      ) : null}
      <main>
        <FlashMessage flash={flash} />
        {children}
      </main>
    </body>
  </html>
);
