import type { NimbusCoordinator } from "./coordinator.ts";
import type { NimbusRoom } from "./room.ts";

/**
 * The Durable Object bindings Nimbus coordination needs in `env`.
 * Intersect it with your own bindings: `type Bindings = CoordBindings & { DB: D1Database }`.
 */
export interface CoordBindings {
  /** Counters, locks, rate limits, sessions and jobs: one object per key. */
  NIMBUS_COORDINATOR: DurableObjectNamespace<NimbusCoordinator>;
  /** WebSocket rooms; only needed if you use `room()`, `publish()` or `connect()`. */
  NIMBUS_ROOM?: DurableObjectNamespace<NimbusRoom>;
  /** Optional `[vars]` entry: messages each room keeps for reconnecting clients (default 1000). */
  NIMBUS_ROOM_BACKLOG?: string;
}

const SETUP = `Add to wrangler.toml:

[[durable_objects.bindings]]
name = "NIMBUS_COORDINATOR"
class_name = "NimbusCoordinator"

[[durable_objects.bindings]]
name = "NIMBUS_ROOM"
class_name = "NimbusRoom"

[[migrations]]
tag = "nimbus-coord-v1"
new_sqlite_classes = ["NimbusCoordinator", "NimbusRoom"]

and re-export the classes from your worker entry:
export { NimbusCoordinator, NimbusRoom } from "nimbus-web/coord";`;

function missing(binding: string): Error {
  return new Error(`nimbus/coord: env.${binding} is not a Durable Object binding. ${SETUP}`);
}

function checkName(kind: string, name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(
      `nimbus/coord: a ${kind} needs a non-empty string name, got ${String(name)}`,
    );
  }
}

/** The coordinator object that owns `kind:name`; one object per key spreads load across machines. */
export function coordinatorStub(
  env: CoordBindings,
  kind: string,
  name: string,
): DurableObjectStub<NimbusCoordinator> {
  checkName(kind, name);
  const ns = env?.NIMBUS_COORDINATOR;
  if (!ns || typeof ns.idFromName !== "function") throw missing("NIMBUS_COORDINATOR");
  return ns.get(ns.idFromName(`${kind}:${name}`));
}

/** The room object for `name`. */
export function roomStub(env: CoordBindings, name: string): DurableObjectStub<NimbusRoom> {
  checkName("room", name);
  const ns = env?.NIMBUS_ROOM;
  if (!ns || typeof ns.idFromName !== "function") throw missing("NIMBUS_ROOM");
  return ns.get(ns.idFromName(name));
}

/** Seconds (the public unit) to milliseconds, rejecting values that would silently misbehave. */
export function seconds(what: string, value: number, { allowZero = false } = {}): number {
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    throw new RangeError(
      `nimbus/coord: ${what} must be a ${allowZero ? "non-negative" : "positive"} number of seconds, got ${value}`,
    );
  }
  return Math.round(value * 1000);
}
