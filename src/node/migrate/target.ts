import type { Client } from "@libsql/client";
import { guardCascades } from "./d1-cascade.ts";

/** A database the migrator can apply SQL to: libSQL or D1, the same questions either way. */
export interface MigrationTarget {
  /** Shown in progress and errors: "libSQL http://127.0.0.1:8080", "D1 DB". */
  readonly label: string;
  /** Runs `statements` as one unit: either every one takes effect or none does. */
  applyAtomically(statements: readonly string[]): Promise<void>;
  /** Rows of one statement, as objects keyed by column name. */
  query<Row extends Record<string, unknown>>(sql: string): Promise<Row[]>;
}

/**
 * libSQL through @libsql/client: `migrate()` runs the batch in one transaction with foreign
 * keys off (SQLite ignores `PRAGMA foreign_keys` inside one), as drizzle-kit's table rebuilds need.
 */
export function libsqlTarget(client: Client, label = "libSQL"): MigrationTarget {
  return {
    label,
    async applyAtomically(statements) {
      await client.migrate([...statements]);
    },
    async query<Row extends Record<string, unknown>>(sql: string) {
      const result = await client.execute(sql);
      return result.rows.map((row) => {
        const entries = result.columns.map((column, i) => [column, row[i]]);
        return Object.fromEntries(entries) as Row;
      });
    },
  };
}

const FOREIGN_KEYS_PRAGMA = /^\s*PRAGMA\s+foreign_keys\s*=/i;

/**
 * D1 through its binding. D1 refuses BEGIN/COMMIT (drizzle-orm #5602), but `batch()` is one
 * implicit transaction; foreign keys are always on there, so checks are deferred to its end,
 * and rows that a table rebuild's DROP would cascade to are kept (see d1-cascade.ts).
 */
export function d1Target(database: D1Database, label = "D1"): MigrationTarget {
  return {
    label,
    async applyAtomically(statements) {
      const kept = statements.filter((statement) => !FOREIGN_KEYS_PRAGMA.test(statement));
      const all = ["PRAGMA defer_foreign_keys = on", ...(await guardCascades(database, kept))];
      await database.batch(all.map((statement) => database.prepare(statement)));
    },
    async query<Row extends Record<string, unknown>>(sql: string) {
      const { results } = await database.prepare(sql).all<Row>();
      return results;
    },
  };
}
