import { env, exports } from "cloudflare:workers";
import type { CoordBindings } from "../../src/nimbus/coord/index.ts";
import { RoomSubscriber } from "../../src/nimbus/testing/index.ts";

/** The fixture's bindings, typed. */
export const coordEnv = env as unknown as CoordBindings;

/** The fixture worker (test/coord/worker.ts) as a fetcher. */
export const worker = (exports as unknown as { default: Fetcher }).default;

export { eventually, sleep } from "../../src/nimbus/testing/index.ts";

/** A subscriber of `room` through the fixture worker's upgrade route (`?since=` to resume). */
export const Subscriber = {
  open: (room: string, since?: number) =>
    RoomSubscriber.open(
      worker,
      `http://app/rooms/${room}${since === undefined ? "" : `?since=${since}`}`,
    ),
};
export type Subscriber = RoomSubscriber;
