import type { CoordBindings } from "./bindings.ts";
import { type Counter, counter } from "./counter.ts";
import { type DeadLetter, deadLetterStub } from "./dead-letters.ts";
import { type EnqueueOptions, enqueue, type JobDefinition, type JobRef } from "./jobs.ts";
import { type Lease, type LockOptions, LockTimeoutError, tryLock } from "./lock.ts";
import { checkRateLimit, type RateLimitOptions, type RateLimitResult } from "./rate-limit.ts";
import type { ConnectOptions } from "./room.ts";
import { type Room, room } from "./room.ts";
import { type SessionStore, sessionStore } from "./session-store.ts";

/** Shared state for stateless app nodes. Times are in seconds throughout. */
export interface Coordination {
  /** A counter with exact totals: `await coord.counter("votes:1").increment()`. */
  counter(name: string): Counter;
  /** Takes the lock, waiting up to `wait` seconds; null if it stayed busy. */
  lock(name: string, options: LockOptions): Promise<Lease | null>;
  /**
   * Runs `fn` holding the lock and releases it afterwards, even if `fn` throws.
   * `fn` must finish within `ttl` (or call `lease.extend`). Throws `LockTimeoutError` if
   * the lock stays busy for `wait` seconds.
   */
  withLock<T>(name: string, options: LockOptions, fn: (lease: Lease) => Promise<T>): Promise<T>;
  /** Counts one request against `key`: at most `limit` pass in any sliding `window`. */
  rateLimit(key: string, options: RateLimitOptions): Promise<RateLimitResult>;
  /** Server-side sessions with expiry. */
  readonly sessions: SessionStore;
  /** A publish/subscribe room over WebSockets. */
  room<T = unknown>(name: string): Room<T>;
  /** `room(name).publish(message)`: returns the message's sequence number. */
  publish<T>(room: string, message: T): Promise<number>;
  /** `room(name).connect(request)`: the 101 response that subscribes the socket. */
  connect(room: string, request: Request, options?: ConnectOptions): Promise<Response>;
  /** Queues a job defined with `defineJob`; it runs after the response, retried on failure. */
  enqueue<P>(job: JobDefinition<P> | string, payload: P, options?: EnqueueOptions): Promise<JobRef>;
  /** Jobs that failed all their attempts, newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
}

/**
 * Coordination primitives over the env's Durable Object bindings; cheap to call per request.
 *
 * @example
 * const coord = coordination(c.env);
 * await coord.counter("votes:1").increment();
 */
export function coordination(env: CoordBindings): Coordination {
  return {
    counter: (name) => counter(env, name),
    async lock(name, options) {
      const got = await tryLock(env, name, options);
      return "token" in got ? got : null;
    },
    async withLock(name, options, fn) {
      const got = await tryLock(env, name, options);
      if (!("token" in got)) throw new LockTimeoutError(name, got.heldUntil);
      try {
        return await fn(got);
      } finally {
        await got.release();
      }
    },
    rateLimit: (key, options) => checkRateLimit(env, key, options),
    sessions: sessionStore(env),
    room: (name) => room(env, name),
    publish: async (name, message) => await room(env, name).publish(message),
    connect: async (name, request, options) => await room(env, name).connect(request, options),
    enqueue: (job, payload, options) => enqueue(env, job, payload, options),
    async deadLetters(limit = 100) {
      return await deadLetterStub(env).deadLetters(limit);
    },
  };
}
