import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { splitStatements } from "../../nimbus/db/sql-text.ts";

/** One migration file: its name (as wrangler records it) and its statements in order. */
export interface Migration {
  name: string;
  statements: string[];
}

const BREAKPOINT = /-->\s*statement-breakpoint/;

/** The statements of a file: drizzle-kit's breakpoints, or SQLite's own statement ends. */
export function statementsOf(sql: string): string[] {
  const parts = BREAKPOINT.test(sql) ? sql.split(BREAKPOINT) : [sql];
  return parts.flatMap((part) => splitStatements(part).map((statement) => statement.sql));
}

/**
 * The `*.sql` files directly in `folder`, sorted by name: the files and the order that
 * `wrangler d1 migrations apply` uses, so either tool can migrate the same database.
 */
export function readMigrations(folder: string): Migration[] {
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".sql"))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new Error(
      `Cannot read the migrations folder ${folder}: ${error instanceof Error ? error.message : error}. Generate migrations with \`npx drizzle-kit generate\`.`,
      { cause: error },
    );
  }
  return names.map((name) => ({
    name,
    statements: statementsOf(readFileSync(join(folder, name), "utf8")),
  }));
}
