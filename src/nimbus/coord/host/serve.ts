import type { CoordBindings } from "../bindings.ts";
import { MAX_CALL_ID } from "../calls.ts";
import { HOST_PREFIX, REMOTE_METHODS, type RemoteKind, TOKEN_HEADER } from "../transport.ts";
import { checkCrons, registerScheduled, type ScheduledHandler } from "./cron-clock.ts";

// The coordination host: a workerd process that runs the app's bundle with the real Durable
// Object namespaces and their storage, and answers the nodes' calls over HTTP. Every node
// reaches the same object for a key, so counters, locks, limits and rooms stay whole.

/** What the host's env holds beyond the app's own bindings (`nimbus build` writes them). */
export interface HostBindings extends CoordBindings {
  /** The clock that fires `scheduled` on the cluster. */
  NIMBUS_CRON_CLOCK?: DurableObjectNamespace;
  /** JSON list of cron expressions (wrangler.toml `[triggers] crons`). */
  NIMBUS_CRONS?: string;
}

/** The app's worker entry as the host sees it: its `scheduled` handler, if it has one. */
export interface HostedWorker {
  scheduled?: unknown;
}

type CronClock = { start(crons: string[]): Promise<number | null> };

const json = (body: unknown, status = 200) => Response.json(body, { status });
const refuse = (status: number, message: string) =>
  json({ error: { name: "CoordinationHostError", message } }, status);

/** Compares in time independent of where the strings differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function namespace(env: HostBindings, kind: RemoteKind): DurableObjectNamespace | undefined {
  const binding: unknown = kind === "coordinator" ? env.NIMBUS_COORDINATOR : env.NIMBUS_ROOM;
  const ns = binding as DurableObjectNamespace | undefined;
  return typeof ns?.idFromName === "function" ? ns : undefined;
}

async function call(request: Request, env: HostBindings): Promise<Response> {
  let body: { kind?: unknown; name?: unknown; method?: unknown; args?: unknown; callId?: unknown };
  try {
    body = await request.json();
  } catch {
    return refuse(400, "the body is not JSON");
  }
  const { kind, name, method, args, callId } = body ?? {};
  if (kind !== "coordinator" && kind !== "room") return refuse(400, `unknown kind ${String(kind)}`);
  const methods: Record<string, string> = REMOTE_METHODS[kind];
  if (typeof method !== "string" || !Object.hasOwn(methods, method)) {
    return refuse(400, `a ${kind} has no method ${String(method)}`);
  }
  if (typeof name !== "string" || name.length === 0)
    return refuse(400, "name must be a non-empty string");
  if (!Array.isArray(args)) return refuse(400, "args must be a list");
  if (
    callId !== undefined &&
    (typeof callId !== "string" || !callId || callId.length > MAX_CALL_ID)
  ) {
    return refuse(400, `callId must be a string of 1 to ${MAX_CALL_ID} characters`);
  }
  const ns = namespace(env, kind);
  if (!ns) return refuse(500, `the host has no Durable Object namespace for ${kind}s`);
  const stub = ns.get(ns.idFromName(name)) as unknown as Record<
    string,
    (...a: unknown[]) => unknown
  >;
  try {
    // A write with an id runs at most once, however often a node retries it.
    const result =
      typeof callId === "string" && methods[method] === "write"
        ? await stub.onceCall?.(callId, method, args)
        : await stub[method]?.(...args);
    return json({ result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return json({ error: { name: e.name, message: e.message } }, 500);
  }
}

async function connect(request: Request, env: HostBindings, name: string): Promise<Response> {
  const ns = namespace(env, "room");
  if (!ns) return refuse(500, "the host has no Durable Object namespace for rooms");
  const search = new URL(request.url).search;
  return await ns
    .get(ns.idFromName(name))
    .fetch(new Request(`https://nimbus-room/${search}`, { headers: request.headers }));
}

/** Starts (or re-arms) the cron clock with the crons in `NIMBUS_CRONS`; answers the next tick. */
async function startClock(env: HostBindings): Promise<Response> {
  const crons = checkCrons(JSON.parse(env.NIMBUS_CRONS ?? "[]"));
  const ns = env.NIMBUS_CRON_CLOCK;
  if (!ns) {
    if (crons.length === 0) return json({ next: null });
    return refuse(500, "crons are configured, but the host has no NIMBUS_CRON_CLOCK binding");
  }
  const clock = ns.get(ns.idFromName("clock")) as unknown as CronClock;
  return json({ crons, next: await clock.start(crons) });
}

/**
 * The coordination host's worker entry: pass the app's worker entry (for its `scheduled`
 * handler) and export the result as default, next to the app's Durable Object classes and
 * `NimbusCronClock`. `nimbus build` generates this entry; apps never write it.
 *
 * Routes (all under `/nimbus-coord/v1`, and all but `health` need `NIMBUS_COORD_TOKEN` when set):
 * `GET health`, `POST call` (one method call on one object), `GET room/<name>` (WebSocket
 * upgrade), `POST cron` (arm the cron clock).
 */
export function coordinationHost(worker: HostedWorker): ExportedHandler<HostBindings> {
  registerScheduled(
    typeof worker.scheduled === "function" ? (worker.scheduled as ScheduledHandler) : undefined,
  );
  return {
    async fetch(request, env) {
      const path = new URL(request.url).pathname;
      if (!path.startsWith(`${HOST_PREFIX}/`)) return refuse(404, `nothing at ${path}`);
      const route = path.slice(HOST_PREFIX.length + 1);
      if (route === "health") return new Response("ok");
      const token = env.NIMBUS_COORD_TOKEN;
      if (token && !sameSecret(request.headers.get(TOKEN_HEADER) ?? "", token)) {
        return refuse(401, `missing or wrong ${TOKEN_HEADER}`);
      }
      if (route === "call" && request.method === "POST") return await call(request, env);
      if (route === "cron" && request.method === "POST") return await startClock(env);
      if (route.startsWith("room/") && request.method === "GET") {
        let name: string;
        try {
          name = decodeURIComponent(route.slice(5));
        } catch {
          return refuse(400, "the room name is not valid percent-encoding");
        }
        if (!name) return refuse(400, "a room needs a non-empty name");
        return await connect(request, env, name);
      }
      return refuse(404, `no route ${request.method} ${path}`);
    },
  };
}
