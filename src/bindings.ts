import { type DatabaseEnv, type NimbusContext, type NimbusEnv, resourceWith } from "nimbus-web";
import { type CoordBindings, type Coordination, coordination } from "nimbus-web/coord";

/** What the demo's Worker gets in `env` (wrangler.toml): D1, the coordination objects, vars. */
export type AppBindings = CoordBindings &
  DatabaseEnv & {
    DB: D1Database;
    /** The editor's password (`[vars]` in development, `wrangler secret put` elsewhere). */
    EDITOR_PASSWORD?: string;
    /** Private hosts the fetch-title job may fetch anyway (tests' local server); empty in production. */
    TITLE_FETCH_ALLOW_HOSTS?: string;
  };

/** The demo's Hono env: Nimbus's variables with the app's bindings. */
export type AppEnv = NimbusEnv<AppBindings>;

/** A request of the demo: `c.env` holds the bindings above. */
export type AppContext = NimbusContext<string, AppEnv>;

/** `resource` for the demo's env: actions and hooks read `c.env` as AppBindings. */
export const resource = resourceWith<AppEnv>();

/** Coordination for a request (counters, rate limits, jobs, rooms). */
export function coord(c: { env: AppBindings }): Coordination {
  return coordination(c.env);
}
