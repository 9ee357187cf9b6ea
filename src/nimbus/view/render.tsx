import type { Context } from "hono";
import { html } from "hono/html";
import type { Child, FC } from "hono/jsx";
import { HtmlEscapedCallbackPhase, resolveCallback } from "hono/utils/html";
import type { NimbusEnv } from "../env.ts";
import { rememberBody } from "../http/known-body.ts";
import type { LayoutProps } from "./layout.tsx";

export interface RenderOptions {
  title: string;
  status?: 200 | 201 | 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 421 | 422 | 429 | 500 | 503;
}

declare module "hono" {
  // An interface, not a type alias: declaration merging is what gives `c.render` these parameters.
  interface ContextRenderer {
    (content: Child, options: RenderOptions): Response | Promise<Response>;
  }
}

/**
 * Wraps `content` in the app's layout with this request's session and flash message. The page is
 * made into one string first (as `c.html` would), and the response remembers it (known-body.ts).
 */
export async function renderPage(
  c: Context<NimbusEnv>,
  layout: FC<LayoutProps>,
  appName: string | undefined,
  content: Child,
  options: RenderOptions,
) {
  const Layout = layout;
  const session = c.get("session");
  const page = (
    <Layout title={options.title} appName={appName} flash={session?.currentFlash} session={session}>
      {content}
    </Layout>
  );
  const markup = html`<!DOCTYPE html>${page}`;
  // A primitive string: `c.html` then answers at once, with no second pass over the markup.
  const text = String(await resolveCallback(markup, HtmlEscapedCallbackPhase.Stringify, false, {}));
  return rememberBody(c.html(text, options.status ?? 200) as Response, text);
}
