import type { Context, Env, MiddlewareHandler } from "hono";
import { preferredFormat } from "../http/negotiate.ts";
import { problem } from "../http/problem.ts";
import { clientAddress } from "../security/client-address.ts";
import { type CoordBindings, coordinatorStub, seconds } from "./bindings.ts";
import type { Store } from "./store.ts";

// A sliding-window log: one row per admitted hit, so "at most `limit` in any `window`"
// holds exactly, with no double burst at a fixed window's edge.
const TABLE = "nimbus_rate_hits";
const DDL = `CREATE TABLE ${TABLE} (at REAL NOT NULL, until REAL NOT NULL)`;

/** What a rate-limit check answers: all a 429 with Retry-After needs. */
export interface RateLimitResult {
  /** Whether this request may proceed (it was counted if so). */
  allowed: boolean;
  /** The limit that applied. */
  limit: number;
  /** Requests still allowed in the current window after this one. */
  remaining: number;
  /** Whole seconds until a request would be allowed again; 0 when allowed. */
  retryAfter: number;
}

/** A limit of `limit` requests in any sliding window of `window` seconds. */
export interface RateLimitOptions {
  limit: number;
  window: number;
}

/** Object side: count this hit if fewer than `limit` were admitted in the last `windowMs`. */
export function hitRateLimit(
  store: Store,
  limit: number,
  windowMs: number,
  now = Date.now(),
): RateLimitResult {
  store.ensure(TABLE, DDL);
  const { sql } = store;
  sql.exec(`DELETE FROM ${TABLE} WHERE at <= ?`, now - windowMs);
  const { n, oldest } = sql
    .exec<{ n: number; oldest: number | null }>(
      `SELECT count(*) AS n, min(at) AS oldest FROM ${TABLE}`,
    )
    .one();
  if (n < limit) {
    sql.exec(`INSERT INTO ${TABLE} (at, until) VALUES (?, ?)`, now, now + windowMs);
    return { allowed: true, limit, remaining: limit - n - 1, retryAfter: 0 };
  }
  const freeAt = (oldest ?? now) + windowMs;
  return {
    allowed: false,
    limit,
    remaining: 0,
    retryAfter: Math.max(1, Math.ceil((freeAt - now) / 1000)),
  };
}

/** Object side: when every admitted hit will have left its window (then the object can go). */
export function rateLimitIdleAt(store: Store): number | null {
  if (!store.has(TABLE)) return null;
  return store.sql.exec<{ last: number | null }>(`SELECT max(until) AS last FROM ${TABLE}`).one()
    .last;
}

/** Object side: forget hits that have left their window. */
export function sweepRateLimit(store: Store, now = Date.now()): void {
  if (store.has(TABLE)) store.sql.exec(`DELETE FROM ${TABLE} WHERE until <= ?`, now);
}

export async function checkRateLimit(
  env: CoordBindings,
  key: string,
  { limit, window }: RateLimitOptions,
): Promise<RateLimitResult> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(
      `nimbus/coord: rate limit "${key}" needs a positive integer limit, got ${limit}`,
    );
  }
  const windowMs = seconds("rate limit window", window);
  return await coordinatorStub(env, "rate", key).hit(limit, windowMs);
}

/** Options of the `rateLimited` middleware. */
export interface RateLimitedOptions<E extends Env> extends RateLimitOptions {
  /**
   * Who is limited (default: the route and `clientAddress(c)`, the address only a trusted proxy
   * can state). Key on `clientAddress(c)` or a user id, never on a header a client can write.
   */
  key?: (c: Context<E>) => string | Promise<string>;
}

/**
 * Hono middleware: lets `limit` requests per key through in any `window` seconds and
 * answers the rest with 429 and Retry-After (problem details for JSON clients, text otherwise).
 * Pass your app's env type, `rateLimited<AppEnv>({...})`, to type `c.env` and `c.get` in `key`.
 *
 * @example app.post("/login", rateLimited({ limit: 5, window: 60 }), login)
 */
export function rateLimited<E extends Env & { Bindings: CoordBindings }>(
  options: RateLimitedOptions<E>,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const key = options.key
      ? await options.key(c)
      : `${c.req.routePath} ${clientAddress(c) ?? "unknown"}`;
    const result = await checkRateLimit(c.env, key, options);
    if (result.allowed) {
      await next();
      try {
        c.res.headers.set("RateLimit-Limit", String(result.limit));
        c.res.headers.set("RateLimit-Remaining", String(result.remaining));
      } catch {
        // Immutable headers (a proxied or WebSocket upgrade response): the hints are optional.
      }
      return;
    }
    const detail = `Too many requests: the limit is ${options.limit} per ${options.window} s. Try again in ${result.retryAfter} s.`;
    const res =
      ((c.get("format" as never) as string | undefined) ?? preferredFormat(c.req.raw)) === "json"
        ? problem(c, 429, "Too Many Requests", detail)
        : c.text(detail, 429);
    res.headers.set("Retry-After", String(result.retryAfter));
    res.headers.set("RateLimit-Remaining", "0");
    return res;
  };
}
