import { ServiceUnavailable } from "../http/errors.ts";
import type { DeadLetter } from "./dead-letters.ts";
import type { JobRecord } from "./jobs.ts";
import type { AcquireResult } from "./lock.ts";
import type { RateLimitResult } from "./rate-limit.ts";

// On Cloudflare and on one workerd process the bindings are Durable Object namespaces. On a
// self-hosted cluster they are a service binding to the coordination host (a workerd process
// that owns the objects and their storage), and each call travels as one HTTP request.

/** The calls the coordination primitives make on a coordinator object, however it is reached. */
export interface CoordinatorCalls {
  increment(by: number): Promise<number>;
  count(): Promise<number>;
  bumpTags(tags: string[]): Promise<number[]>;
  readTags(tags: string[]): Promise<number[]>;
  acquire(ttlMs: number): Promise<AcquireResult>;
  release(token: string): Promise<boolean>;
  extend(token: string, ttlMs: number): Promise<number>;
  hit(limit: number, windowMs: number): Promise<RateLimitResult>;
  sessionGet(): Promise<string | null>;
  sessionSet(json: string, ttlMs: number): Promise<void>;
  sessionDelete(): Promise<void>;
  sessionEnd(): Promise<void>;
  userSessionAdd(id: string, ttlMs: number): Promise<void>;
  userSessionsTake(): Promise<string[]>;
  enqueueJob(job: JobRecord): Promise<number>;
  addDeadLetter(letter: DeadLetter): Promise<void>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
}

/** The calls rooms make on a room object. */
export interface RoomCalls {
  publish(json: string): Promise<number>;
  size(tag?: string): Promise<number>;
  /** The WebSocket upgrade: `?since=` and `?tag=` in the URL. */
  fetch(request: Request): Promise<Response>;
}

/** Which methods each kind of object answers over the wire, and whether a retry is harmless. */
export const REMOTE_METHODS = {
  coordinator: {
    increment: "write",
    count: "read",
    // A repeated bump only invalidates again: it needs no call record (a storage write) to retry.
    bumpTags: "read",
    readTags: "read",
    acquire: "write",
    release: "write",
    extend: "write",
    hit: "write",
    sessionGet: "read",
    sessionSet: "write",
    sessionDelete: "write",
    sessionEnd: "write",
    userSessionAdd: "write",
    userSessionsTake: "write",
    enqueueJob: "write",
    addDeadLetter: "write",
    deadLetters: "read",
  },
  room: { publish: "write", size: "read" },
} as const satisfies Record<string, Record<string, "read" | "write">>;

export type RemoteKind = keyof typeof REMOTE_METHODS;

/** Path prefix of the coordination host's HTTP interface (versioned: nodes and host may be upgraded apart). */
export const HOST_PREFIX = "/nimbus-coord/v1";
/** Header that carries `NIMBUS_COORD_TOKEN` from the nodes to the host. */
export const TOKEN_HEADER = "x-nimbus-coord-token";

/** A service binding to the coordination host: only `fetch` is used. */
export interface HostBinding {
  fetch(request: Request): Promise<Response>;
}

// Calls are retried while the host restarts (a SIGKILLed host is back in about a second): reads
// as they are, writes with the same call id, which the object answers from its record if the
// first attempt did arrive ("Network connection lost" does not say whether it did).
const RETRY_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function unavailable(what: string, error: unknown): ServiceUnavailable {
  const reason = error instanceof Error ? error.message : String(error);
  return new ServiceUnavailable(
    `The coordination host did not answer ${what} (${reason}). It may be restarting; try again in a moment.`,
  );
}

async function send(
  host: HostBinding,
  token: string | undefined,
  body: { kind: RemoteKind; name: string; method: string; args: unknown[]; callId?: string },
): Promise<unknown> {
  const what = `${body.kind} "${body.name}" ${body.method}`;
  const deadline = Date.now() + RETRY_MS;
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    let res: Response;
    try {
      res = await host.fetch(
        new Request(`http://nimbus-coord${HOST_PREFIX}/call`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(token ? { [TOKEN_HEADER]: token } : {}),
          },
          body: JSON.stringify(body),
        }),
      );
    } catch (error) {
      if (Date.now() + pause > deadline) throw unavailable(what, error);
      await sleep(pause);
      continue;
    }
    const text = await res.text();
    if (res.status >= 502 && res.status <= 504 && Date.now() + pause <= deadline) {
      await sleep(pause);
      continue;
    }
    let answer: { result?: unknown; error?: { name?: string; message?: string } };
    try {
      answer = JSON.parse(text);
    } catch {
      throw unavailable(what, new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`));
    }
    if (res.ok) return answer.result;
    const error = new Error(answer.error?.message ?? `HTTP ${res.status}`);
    error.name = answer.error?.name ?? "Error";
    if (res.status >= 500) throw error;
    throw new TypeError(`nimbus/coord: the coordination host refused ${what}: ${error.message}`);
  }
}

function remote<T>(
  host: HostBinding,
  token: string | undefined,
  kind: RemoteKind,
  name: string,
): T {
  const methods = REMOTE_METHODS[kind] as Record<string, "read" | "write">;
  const calls: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [method, effect] of Object.entries(methods)) {
    calls[method] = (...args) =>
      send(host, token, {
        kind,
        name,
        method,
        args,
        ...(effect === "write" ? { callId: crypto.randomUUID() } : {}),
      });
  }
  return calls as T;
}

/** A coordinator object on the coordination host, reached over `host`. */
export function remoteCoordinator(
  host: HostBinding,
  token: string | undefined,
  key: string,
): CoordinatorCalls {
  return remote<CoordinatorCalls>(host, token, "coordinator", key);
}

/** A room object on the coordination host; WebSocket upgrades are proxied to it. */
export function remoteRoom(host: HostBinding, token: string | undefined, name: string): RoomCalls {
  const calls = remote<Omit<RoomCalls, "fetch">>(host, token, "room", name);
  return {
    ...calls,
    async fetch(request) {
      const url = new URL(request.url);
      const target = new URL(
        `http://nimbus-coord${HOST_PREFIX}/room/${encodeURIComponent(name)}${url.search}`,
      );
      const headers = new Headers(request.headers);
      if (token) headers.set(TOKEN_HEADER, token);
      try {
        return await host.fetch(new Request(target, { headers }));
      } catch (error) {
        throw unavailable(`room "${name}" connect`, error);
      }
    },
  };
}
