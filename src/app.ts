import { type CacheSettings, createApp } from "nimbus-web";
import { coordination } from "nimbus-web/coord";
import type { AppBindings } from "./bindings.ts";
import { linksLive } from "./live/routes.ts";
import { commentResource, linkResource } from "./resources/links.tsx";
import { signIn, signInPage } from "./session.tsx";
import { AppLayout } from "./views/layout.tsx";
import { LIVE_LIST_SCRIPT, LIVE_LIST_SCRIPT_PATH } from "./views/live-list-script.ts";

/**
 * The demo: a link board with comments and live votes, as pages and as a JSON API.
 * `cache` is the node's cache settings (the tests start a second node with its own).
 */
export function createDemoApp(cache?: CacheSettings) {
  const app = createApp<AppBindings>({
    name: "Nimbus Links",
    layout: AppLayout,
    cache,
    // Visitors keep a cookie; the editor's session lives in nimbus/coord, so signing out ends it
    // (a cookie saved while signed in points at nothing afterwards).
    sessions: {
      store: (c) => coordination(c.env as AppBindings).sessions,
      serverSide: (data) => data.role === "editor",
    },
  });

  return app
    .resources(linkResource, commentResource)
    .get("/live/links", linksLive)
    .get(LIVE_LIST_SCRIPT_PATH, (c) =>
      c.body(LIVE_LIST_SCRIPT, 200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=300",
      }),
    )
    .get("/session/new", signInPage)
    .post("/session", signIn)
    .get("/", (c) => c.redirect("/links"))
    .get("/hello", (c) => c.text("Hello from Nimbus!"));
}

export const app = createDemoApp();
