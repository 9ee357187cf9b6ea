/**
 * nimbus/coord: coordination and realtime on Durable Objects. Setup, once per app:
 *
 * ```toml
 * # wrangler.toml
 * [[durable_objects.bindings]]
 * name = "NIMBUS_COORDINATOR"
 * class_name = "NimbusCoordinator"
 * [[durable_objects.bindings]]
 * name = "NIMBUS_ROOM"
 * class_name = "NimbusRoom"
 * [[migrations]]
 * tag = "nimbus-coord-v1"
 * new_sqlite_classes = ["NimbusCoordinator", "NimbusRoom"]
 * ```
 * ```ts
 * // worker entry
 * export { NimbusCoordinator, NimbusRoom } from "nimbus-web/coord";
 * ```
 * The same bundle and config run on Cloudflare, under `wrangler dev` and on self-hosted workerd.
 * @module
 */
export type { CoordBindings } from "./bindings.ts";
export { type Coordination, coordination } from "./coordination.ts";
export { NimbusCoordinator } from "./coordinator.ts";
export type { Counter } from "./counter.ts";
export { type CronTasks, type CronTick, cron } from "./cron.ts";
export type { DeadLetter } from "./dead-letters.ts";
export {
  defineJob,
  type EnqueueOptions,
  type JobDefinition,
  type JobHandler,
  type JobInfo,
  type JobRef,
} from "./jobs.ts";
export { type Lease, type LockOptions, LockTimeoutError } from "./lock.ts";
export {
  type RateLimitedOptions,
  type RateLimitOptions,
  type RateLimitResult,
  rateLimited,
} from "./rate-limit.ts";
export { type ConnectOptions, NimbusRoom, type Room, type RoomFrame } from "./room.ts";
export type { SessionStore } from "./session-store.ts";
