import type { NimbusCoordinator } from "./coordinator.ts";
import type { NimbusRoom } from "./room.ts";
import { COORD_WORKER_EXPORT, COORD_WRANGLER_LINES } from "./setup-lines.ts";
import {
  type CoordinatorCalls,
  type HostBinding,
  type RoomCalls,
  remoteCoordinator,
  remoteRoom,
} from "./transport.ts";

/**
 * The Durable Object bindings Nimbus coordination needs in `env`.
 * Intersect it with your own bindings: `type Bindings = CoordBindings & { DB: D1Database }`.
 */
export interface CoordBindings {
  /**
   * Counters, locks, rate limits, sessions and jobs: one object per key. On a self-hosted
   * cluster (`nimbus build`) it is a service binding to the coordination host instead, which
   * owns the objects for every node; the coordination API tells the two apart at run time.
   */
  NIMBUS_COORDINATOR: DurableObjectNamespace<NimbusCoordinator>;
  /** WebSocket rooms; only needed if you use `room()`, `publish()` or `connect()`. Same two forms. */
  NIMBUS_ROOM?: DurableObjectNamespace<NimbusRoom>;
  /** Secret shared by the nodes and the coordination host (cluster only); the host refuses calls without it. */
  NIMBUS_COORD_TOKEN?: string;
  /** Optional `[vars]` entry: messages each room keeps for reconnecting clients (default 1000). */
  NIMBUS_ROOM_BACKLOG?: string;
}

const SETUP = `Add to wrangler.toml:

${COORD_WRANGLER_LINES}

and re-export the classes from your worker entry:
${COORD_WORKER_EXPORT}`;

function missing(binding: string): Error {
  return new Error(
    `nimbus/coord: env.${binding} is neither a Durable Object binding nor a service binding to a coordination host. ${SETUP}`,
  );
}

function checkName(kind: string, name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(
      `nimbus/coord: a ${kind} needs a non-empty string name, got ${String(name)}`,
    );
  }
}

// A service binding answers every property with an RPC method (`idFromName` included), so it
// is told apart by its class, before the namespace's duck type is checked.
function isHost(binding: unknown): binding is HostBinding {
  if (Object.prototype.toString.call(binding) === "[object Fetcher]") return true;
  const b = binding as { fetch?: unknown; idFromName?: unknown } | undefined;
  return typeof b?.fetch === "function" && typeof b.idFromName !== "function";
}

function isNamespace<T extends Rpc.DurableObjectBranded>(
  binding: unknown,
): binding is DurableObjectNamespace<T> {
  if (isHost(binding)) return false;
  return typeof (binding as DurableObjectNamespace<T> | undefined)?.idFromName === "function";
}

/** The coordinator object that owns `kind:name`; one object per key spreads load across machines. */
export function coordinatorStub(env: CoordBindings, kind: string, name: string): CoordinatorCalls {
  checkName(kind, name);
  const binding: unknown = env?.NIMBUS_COORDINATOR;
  const key = `${kind}:${name}`;
  if (isNamespace<NimbusCoordinator>(binding)) {
    return binding.get(binding.idFromName(key)) as unknown as CoordinatorCalls;
  }
  if (isHost(binding)) return remoteCoordinator(binding, env.NIMBUS_COORD_TOKEN, key);
  throw missing("NIMBUS_COORDINATOR");
}

/** The room object for `name`. */
export function roomStub(env: CoordBindings, name: string): RoomCalls {
  checkName("room", name);
  const binding: unknown = env?.NIMBUS_ROOM;
  if (isNamespace<NimbusRoom>(binding)) {
    return binding.get(binding.idFromName(name)) as unknown as RoomCalls;
  }
  if (isHost(binding)) return remoteRoom(binding, env.NIMBUS_COORD_TOKEN, name);
  throw missing("NIMBUS_ROOM");
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
