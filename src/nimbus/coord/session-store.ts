import { type CoordBindings, coordinatorStub } from "./bindings.ts";
import type { Store } from "./store.ts";

/** Server-side session storage, as the core's session middleware expects it. */
export interface SessionStore {
  /** The session's data, or null if it does not exist or has expired. */
  get(id: string): Promise<Record<string, unknown> | null>;
  /** Stores `data` (JSON-serialisable) for `ttlSeconds` from now, replacing what was there. */
  set(id: string, data: Record<string, unknown>, ttlSeconds: number): Promise<void>;
  /** Forgets the session at once. */
  delete(id: string): Promise<void>;
  /**
   * Ends a signed-in session: like `delete`, and a request still running on it can't write it
   * back. Optional: `delete` is used without it.
   */
  end?(id: string): Promise<void>;
  /**
   * Notes that session `id` belongs to `userId` for up to `ttlSeconds`, so `revokeUser` can
   * find it. Optional: a store without it can't end a user's sessions at once.
   */
  trackUser?(userId: string, id: string, ttlSeconds: number): Promise<void>;
  /**
   * Ends every tracked session of `userId` (a password change); a request still running on
   * one of them can't write it back. Returns how many ended.
   */
  revokeUser?(userId: string): Promise<number>;
}

const TABLE = "nimbus_session";
const DDL = `CREATE TABLE ${TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL, expires_at REAL NOT NULL)`;

type SessionRow = { data: string; expires_at: number };

// An ended (revoked) session keeps a row with empty data for a while: it reads as no session,
// and a write from a request that loaded it before it ended is refused instead of reviving it.
const ENDED = "";

/** Object side: the stored JSON, or null once expired or ended (an expired row is dropped). */
export function readSession(store: Store, now = Date.now()): string | null {
  if (!store.has(TABLE)) return null;
  const row = store.sql.exec<SessionRow>(`SELECT data, expires_at FROM ${TABLE}`).toArray()[0];
  if (!row) return null;
  if (row.expires_at > now) return row.data === ENDED ? null : row.data;
  store.sql.exec(`DELETE FROM ${TABLE}`);
  return null;
}

/** Object side: ends the session; writes to it are refused until `until`. */
export function endSession(store: Store, until: number): void {
  store.ensure(TABLE, DDL);
  store.sql.exec(
    `INSERT OR REPLACE INTO ${TABLE} (id, data, expires_at) VALUES (1, ?, ?)`,
    ENDED,
    until,
  );
}

/** Object side: store the JSON until `expiresAt` (not into an ended session). */
export function writeSession(store: Store, json: string, expiresAt: number): void {
  store.ensure(TABLE, DDL);
  const row = store.sql.exec<SessionRow>(`SELECT data, expires_at FROM ${TABLE}`).toArray()[0];
  if (row && row.data === ENDED && row.expires_at > Date.now()) return;
  store.sql.exec(
    `INSERT OR REPLACE INTO ${TABLE} (id, data, expires_at) VALUES (1, ?, ?)`,
    json,
    expiresAt,
  );
}

/** Object side: when the session expires, or null if there is none. */
export function sessionExpiresAt(store: Store): number | null {
  if (!store.has(TABLE)) return null;
  const row = store.sql.exec<SessionRow>(`SELECT expires_at FROM ${TABLE}`).toArray()[0];
  return row?.expires_at ?? null;
}

// One object per session id: sessions of different users never contend, and an
// expired session's object deletes itself on its alarm.
export function sessionStore(env: CoordBindings): SessionStore {
  return {
    async get(id) {
      const json = await coordinatorStub(env, "session", id).sessionGet();
      return json === null ? null : (JSON.parse(json) as Record<string, unknown>);
    },
    async set(id, data, ttlSeconds) {
      const stub = coordinatorStub(env, "session", id);
      if (!(ttlSeconds > 0)) return await stub.sessionDelete();
      await stub.sessionSet(JSON.stringify(data), Math.round(ttlSeconds * 1000));
    },
    async delete(id) {
      await coordinatorStub(env, "session", id).sessionDelete();
    },
    async end(id) {
      await coordinatorStub(env, "session", id).sessionEnd();
    },
    async trackUser(userId, id, ttlSeconds) {
      if (!(ttlSeconds > 0)) return;
      await coordinatorStub(env, "user-sessions", userId).userSessionAdd(
        id,
        Math.round(ttlSeconds * 1000),
      );
    },
    async revokeUser(userId) {
      const ids = await coordinatorStub(env, "user-sessions", userId).userSessionsTake();
      await Promise.all(ids.map((id) => coordinatorStub(env, "session", id).sessionEnd()));
      return ids.length;
    },
  };
}
