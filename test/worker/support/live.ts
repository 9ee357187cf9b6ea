import { env, exports } from "cloudflare:workers";
import { RoomSubscriber } from "nimbus-web/testing";
import type { AppBindings } from "../../../src/bindings.ts";

/** The demo's bindings as its code sees them (D1, the coordination objects, vars). */
export const appEnv = env as unknown as AppBindings;

export { eventually, sleep } from "nimbus-web/testing";

/** A list page's socket on the links room, opened through the demo's own `GET /live/links`. */
export const LiveList = {
  open: (since?: number) =>
    RoomSubscriber.open(
      exports.default,
      `http://nimbus.test/live/links${since === undefined ? "" : `?since=${since}`}`,
    ),
};
