/**
 * libSQL's consistency token is a write position kept in the database itself: a one-row
 * counter that every write transaction bumps before it commits. It replicates with the data,
 * so any replica (sqld, Turso, the test feed) can be asked how far it has caught up, in the
 * same read transaction that serves the query.
 */
import type { ResultSet } from "@libsql/client/web";

export const POSITION_TABLE = "_nimbus_position";

export const CREATE_POSITION_TABLE = `CREATE TABLE IF NOT EXISTS ${POSITION_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL)`;

export const BUMP_POSITION = `INSERT INTO ${POSITION_TABLE} (id, position) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET position = position + 1 RETURNING position`;

export const READ_POSITION = `SELECT coalesce((SELECT position FROM ${POSITION_TABLE} WHERE id = 1), 0) AS position`;

/** The position a token names; 0 (no constraint) for a missing or malformed token. */
export function parsePosition(token: string | undefined): number {
  if (token === undefined || !/^\d{1,15}$/.test(token)) return 0;
  return Number(token);
}

/** The position a BUMP_POSITION or READ_POSITION statement returned. */
export function positionOf(result: ResultSet | undefined): number {
  const value = result?.rows[0]?.[0];
  return value === undefined || value === null ? 0 : Number(value);
}

/** True when `error` says the position table is missing (a fresh or reset database). */
export function missingPositionTable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(`no such table: ${POSITION_TABLE}`)) return true;
  }
  return false;
}
