import { type CoordBindings, coordinatorStub } from "./bindings.ts";
import type { Store } from "./store.ts";

/** A job that failed `maxAttempts` times. */
export interface DeadLetter {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  error: string;
  /** Epoch milliseconds. */
  failedAt: number;
}

const LETTERS = "nimbus_dead_letter";
const LETTERS_DDL = `CREATE TABLE ${LETTERS} (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL,
  error TEXT NOT NULL, failed_at REAL NOT NULL)`;
const KEEP_LETTERS = 1000;

/** Object side: record a dead job, keeping the newest 1,000. */
export function addDeadLetter(store: Store, letter: DeadLetter): void {
  store.ensure(LETTERS, LETTERS_DDL);
  store.sql.exec(
    `INSERT OR REPLACE INTO ${LETTERS} VALUES (?, ?, ?, ?, ?, ?)`,
    letter.id,
    letter.name,
    JSON.stringify(letter.payload),
    letter.attempts,
    letter.error,
    letter.failedAt,
  );
  store.sql.exec(
    `DELETE FROM ${LETTERS} WHERE id NOT IN (SELECT id FROM ${LETTERS} ORDER BY failed_at DESC LIMIT ?)`,
    KEEP_LETTERS,
  );
}

/** Object side: the newest dead letters first. */
export function listDeadLetters(store: Store, limit: number): DeadLetter[] {
  if (!store.has(LETTERS)) return [];
  return store.sql
    .exec<{
      id: string;
      name: string;
      payload: string;
      attempts: number;
      error: string;
      failed_at: number;
    }>(`SELECT * FROM ${LETTERS} ORDER BY failed_at DESC LIMIT ?`, limit)
    .toArray()
    .map((r) => ({
      id: r.id,
      name: r.name,
      payload: JSON.parse(r.payload) as unknown,
      attempts: r.attempts,
      error: r.error,
      failedAt: r.failed_at,
    }));
}

/** The one object that keeps dead letters (they are rare, so one object is enough). */
export const deadLetterStub = (env: CoordBindings) => coordinatorStub(env, "jobs", "dead-letters");
