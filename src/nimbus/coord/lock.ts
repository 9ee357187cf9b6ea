import { type CoordBindings, coordinatorStub, seconds } from "./bindings.ts";
import type { Store } from "./store.ts";

const TABLE = "nimbus_lock";
const DDL = `CREATE TABLE ${TABLE} (
  id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT, fence INTEGER NOT NULL, expires_at REAL NOT NULL)`;

type LockRow = { token: string | null; fence: number; expires_at: number };

/** What the object answers to an acquire attempt. */
export type AcquireResult =
  | { ok: true; token: string; fence: number; expiresAt: number }
  | { ok: false; expiresAt: number };

function current(store: Store): LockRow | undefined {
  if (!store.has(TABLE)) return undefined;
  return store.sql.exec<LockRow>(`SELECT token, fence, expires_at FROM ${TABLE}`).toArray()[0];
}

/** Object side: take the lock if it is free or its lease has expired. */
export function acquireLock(store: Store, ttlMs: number, now = Date.now()): AcquireResult {
  const row = current(store);
  if (row?.token && row.expires_at > now) return { ok: false, expiresAt: row.expires_at };
  store.ensure(TABLE, DDL);
  const token = crypto.randomUUID();
  const fence = (row?.fence ?? 0) + 1;
  const expiresAt = now + ttlMs;
  store.sql.exec(
    `INSERT OR REPLACE INTO ${TABLE} (id, token, fence, expires_at) VALUES (1, ?, ?, ?)`,
    token,
    fence,
    expiresAt,
  );
  return { ok: true, token, fence, expiresAt };
}

/** Object side: free the lock if `token` holds it; false if the lease had already lapsed. */
export function releaseLock(store: Store, token: string, now = Date.now()): boolean {
  const row = current(store);
  if (!row || row.token !== token) return false;
  store.sql.exec(`UPDATE ${TABLE} SET token = NULL`);
  return row.expires_at > now;
}

/** Object side: push the expiry of a still-valid lease to now + ttl. */
export function extendLock(store: Store, token: string, ttlMs: number, now = Date.now()): number {
  const row = current(store);
  if (!row || row.token !== token || row.expires_at <= now) return 0;
  store.sql.exec(`UPDATE ${TABLE} SET expires_at = ?`, now + ttlMs);
  return now + ttlMs;
}

/** How to take a lock. Times are in seconds. */
export interface LockOptions {
  /** Lease length: a holder that dies or forgets to release frees the lock after this. */
  ttl: number;
  /** How long to keep trying while someone else holds it (default 0: one attempt). */
  wait?: number;
}

/** A held lock. Pass `fence` to the resource you protect to reject writes from stale holders. */
export interface Lease {
  readonly name: string;
  /** Proof of ownership; release and extend need it. */
  readonly token: string;
  /** Grows by one with every acquisition of this lock (a fencing token). */
  readonly fence: number;
  /** Epoch milliseconds at which the lease lapses. */
  readonly expiresAt: number;
  /** Frees the lock; false if the lease had expired (someone else may have held it since). */
  release(): Promise<boolean>;
  /** Extends the lease to now + `ttl` seconds; false if it had already expired. */
  extend(ttl: number): Promise<boolean>;
}

/** Thrown by `withLock` when the lock stays busy for the whole `wait`. */
export class LockTimeoutError extends Error {
  constructor(
    readonly lockName: string,
    readonly heldUntil: number,
  ) {
    super(
      `nimbus/coord: lock "${lockName}" is held by someone else until ${new Date(heldUntil).toISOString()}; ` +
        "pass a longer `wait` to withLock, or a shorter `ttl` to its holders",
    );
    this.name = "LockTimeoutError";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tries until `wait` runs out; answers the lease, or the expiry of the blocking lease. */
export async function tryLock(
  env: CoordBindings,
  name: string,
  { ttl, wait = 0 }: LockOptions,
): Promise<Lease | { heldUntil: number }> {
  const stub = coordinatorStub(env, "lock", name);
  const ttlMs = seconds("lock ttl", ttl);
  const deadline = Date.now() + seconds("lock wait", wait, { allowZero: true });
  for (let backoff = 10; ; backoff = Math.min(backoff * 2, 250)) {
    const got = await stub.acquire(ttlMs);
    if (got.ok) {
      let expiresAt = got.expiresAt;
      return {
        name,
        token: got.token,
        fence: got.fence,
        get expiresAt() {
          return expiresAt;
        },
        release: () => stub.release(got.token),
        async extend(more: number) {
          const until = await stub.extend(got.token, seconds("lock ttl", more));
          if (until > 0) expiresAt = until;
          return until > 0;
        },
      };
    }
    const now = Date.now();
    if (now >= deadline) return { heldUntil: got.expiresAt };
    // Poll with backoff, but wake right at the holder's expiry if that comes sooner.
    const pause = Math.min(
      backoff * (0.5 + Math.random()),
      got.expiresAt - now + 1,
      deadline - now,
    );
    await sleep(Math.max(pause, 1));
  }
}
