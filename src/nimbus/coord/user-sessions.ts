// Which sessions a user has, kept in one coordinator object per user, so a password change can
// end all of them at once. A session id is added when a user signs in under it; entries drop
// out when the session could no longer be alive (its absolute expiry).

import type { Store } from "./store.ts";

const TABLE = "nimbus_user_session";
const DDL = `CREATE TABLE ${TABLE} (id TEXT PRIMARY KEY, expires_at REAL NOT NULL)`;

/** How long an ended session's id keeps refusing writes: longer than any request that read it. */
export const ENDED_SESSION_MS = 10 * 60 * 1000;

/** Object side: `id` is one of this user's sessions until `expiresAt`. */
export function addUserSession(store: Store, id: string, expiresAt: number): void {
  store.ensure(TABLE, DDL);
  store.sql.exec(`DELETE FROM ${TABLE} WHERE expires_at <= ?`, Date.now());
  store.sql.exec(
    `INSERT INTO ${TABLE} (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    id,
    expiresAt,
  );
}

/** Object side: this user's live session ids, forgotten as they are handed out. */
export function takeUserSessions(store: Store): string[] {
  if (!store.has(TABLE)) return [];
  const rows = store.sql
    .exec<{ id: string }>(`SELECT id FROM ${TABLE} WHERE expires_at > ?`, Date.now())
    .toArray();
  store.sql.exec(`DELETE FROM ${TABLE}`);
  return rows.map((row) => row.id);
}

/** Object side: drops entries past their expiry; the latest expiry left, or null. */
export function sweepUserSessions(store: Store): number | null {
  if (!store.has(TABLE)) return null;
  store.sql.exec(`DELETE FROM ${TABLE} WHERE expires_at <= ?`, Date.now());
  const row = store.sql
    .exec<{ at: number | null }>(`SELECT min(expires_at) AS at FROM ${TABLE}`)
    .toArray()[0];
  return row?.at ?? null;
}
