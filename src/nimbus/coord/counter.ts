import { type CoordBindings, coordinatorStub } from "./bindings.ts";
import type { Store } from "./store.ts";

const TABLE = "nimbus_counter";
const DDL = `CREATE TABLE ${TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)`;

/** Object side: one row holds the total; the object runs one call at a time, so it is exact. */
export function incrementCounter(store: Store, by: number): number {
  store.ensure(TABLE, DDL);
  return store.sql
    .exec<{ value: number }>(
      `INSERT INTO ${TABLE} (id, value) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET value = value + excluded.value RETURNING value`,
      by,
    )
    .one().value;
}

/** Object side: the current total (0 for a counter never incremented). */
export function readCounter(store: Store): number {
  if (!store.has(TABLE)) return 0;
  const row = store.sql.exec<{ value: number }>(`SELECT value FROM ${TABLE}`).toArray()[0];
  return row?.value ?? 0;
}

/** A named counter with exact totals under any concurrency. */
export interface Counter {
  /** Adds `by` (an integer, default 1, may be negative) and returns the new total. */
  increment(by?: number): Promise<number>;
  /** The current total. */
  get(): Promise<number>;
}

export function counter(env: CoordBindings, name: string): Counter {
  const stub = coordinatorStub(env, "counter", name);
  return {
    async increment(by = 1) {
      if (!Number.isSafeInteger(by)) {
        throw new RangeError(`nimbus/coord: counter "${name}" increments by integers, got ${by}`);
      }
      return await stub.increment(by);
    },
    async get() {
      return await stub.count();
    },
  };
}
