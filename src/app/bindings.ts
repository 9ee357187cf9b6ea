import type { DatabaseEnv, NimbusEnv } from "nimbus-web";
import { type CoordBindings, type Coordination, coordination } from "nimbus-web/coord";

/** What the demo's Worker gets in `env` (wrangler.toml): D1, the coordination objects, vars. */
export type AppBindings = CoordBindings &
  DatabaseEnv & {
    DB: D1Database;
    /** The editor's password (`[vars]` in development, `wrangler secret put` elsewhere). */
    EDITOR_PASSWORD?: string;
  };

/** The demo's Hono env: Nimbus's variables with the app's bindings. */
export type AppEnv = NimbusEnv<AppBindings>;

/**
 * Coordination for a request. Resource actions and hooks get a `Context<NimbusEnv>` that does
 * not know the app's bindings, so this is the one place the demo states what `env` holds.
 */
export function coord(c: { env: object }): Coordination {
  return coordination(c.env as AppBindings);
}
