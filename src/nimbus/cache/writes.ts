/**
 * The request's database handle, watched for writes: `insert`, `update` and `delete` through
 * it (in resource actions, custom actions, hooks, transactions and batches alike) report the
 * table and, when the statement returned rows, their ids, once the write has happened. That is
 * how a model write invalidates its cache tags with no line of user code. Raw SQL (`db.run(sql)`)
 * is not parsed: call `invalidate(c, ...)` after one.
 */
import { getTableName, type Table } from "drizzle-orm";
import type { NimbusDatabase } from "../db/database.ts";
import type { WriteEvent } from "./request.ts";

export interface WriteSink {
  wrote(write: WriteEvent): Promise<void>;
  begin(): void;
  end(committed: boolean): Promise<void>;
}

const WRITES = { insert: "insert", update: "update", delete: "delete" } as const;
/** Builder methods that run the statement. */
const TERMINALS = new Set(["run", "all", "get", "execute", "then"]);
/** Builders already wrapped, so a batch can report what it ran. */
const pending = new WeakMap<object, () => WriteEvent>();

function idsIn(result: unknown): (string | number)[] | null {
  const rows = Array.isArray(result)
    ? result
    : result && typeof result === "object"
      ? [result]
      : [];
  const ids: (string | number)[] = [];
  for (const row of rows) {
    const id = (row as { id?: unknown } | null)?.id;
    if (typeof id !== "number" && typeof id !== "string") return null;
    ids.push(id);
  }
  return ids.length > 0 ? ids : null;
}

function watchBuilder<T extends object>(
  builder: T,
  event: (result: unknown) => WriteEvent,
  sink: WriteSink,
): T {
  const proxy: T = new Proxy(builder, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "then") {
        return (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) =>
          (value as (f: (v: unknown) => unknown) => Promise<unknown>)
            .call(target, async (result: unknown) => {
              await sink.wrote(event(result));
              return result;
            })
            .then(onFulfilled, onRejected);
      }
      if (TERMINALS.has(property as string)) {
        return async (...args: unknown[]) => {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          await sink.wrote(event(result));
          return result;
        };
      }
      return (...args: unknown[]) => {
        const next = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Chained builders (.values, .set, .where, .returning, .prepare) stay watched.
        return next && typeof next === "object" && !(next instanceof Promise)
          ? watchBuilder(next, event, sink)
          : next;
      };
    },
  });
  pending.set(proxy, () => event(undefined));
  return proxy;
}

/** `db` with every write reported to `sink` after it happened. */
export function watchWrites(db: NimbusDatabase, sink: WriteSink): NimbusDatabase {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const kind = WRITES[property as keyof typeof WRITES];
      if (kind) {
        return (table: Table, ...rest: unknown[]) => {
          const name = getTableName(table);
          const builder = (value as (...a: unknown[]) => object).call(target, table, ...rest);
          return watchBuilder(
            builder,
            (result) => ({ table: name, kind, ids: idsIn(result) }),
            sink,
          );
        };
      }
      if (property === "transaction") {
        return async (run: (tx: NimbusDatabase) => Promise<unknown>, ...rest: unknown[]) => {
          sink.begin();
          let committed = false;
          try {
            const result = await (value as (...a: unknown[]) => Promise<unknown>).call(
              target,
              (tx: NimbusDatabase) => run(watchWrites(tx, sink)),
              ...rest,
            );
            committed = true;
            return result;
          } finally {
            await sink.end(committed);
          }
        };
      }
      if (property === "batch") {
        return async (queries: readonly object[]) => {
          const result = await (value as (q: readonly object[]) => Promise<unknown[]>).call(
            target,
            queries,
          );
          for (const [i, query] of queries.entries()) {
            const event = pending.get(query);
            if (event) await sink.wrote({ ...event(), ids: idsIn(result[i]) });
          }
          return result;
        };
      }
      return value.bind(target);
    },
  });
}
