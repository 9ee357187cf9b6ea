import { say, step } from "../progress.ts";
import type { Project } from "../project.ts";
import { d1 } from "./d1.ts";
import { libsql } from "./libsql.ts";

/** What `nimbus db` and `nimbus dev` do to a database; one implementation per engine. */
export interface DatabaseTarget {
  /** Shown in progress lines: "local D1 (DB)". */
  label: string;
  /** Applies pending migrations; returns the names of those it applied. */
  migrate(): Promise<string[]>;
  /** Prints applied and pending migrations. */
  status(): Promise<void>;
  /** Rows of a query, for the CLI's own questions (is a table empty?). */
  query<Row>(statement: string): Promise<Row[]>;
  runFile(path: string): Promise<void>;
  /** Drops every table, the migrations' record included. */
  dropAll(): Promise<string[]>;
}

/** The configured database: libSQL when DATABASE_URL is set, else D1 (local unless `remote`). */
export function databaseFor(project: Project, options: { remote?: boolean } = {}): DatabaseTarget {
  const url = process.env.DATABASE_URL;
  return url ? libsql(url) : d1(project, options.remote === true);
}

/** Applies pending migrations with a progress line, then names what it applied. */
export async function migrate(database: DatabaseTarget): Promise<void> {
  const applied = await step(`Applying migrations to the ${database.label}`, () =>
    database.migrate(),
  );
  say(
    applied.length > 0
      ? applied.map((name) => `  applied ${name}`).join("\n")
      : "  no pending migrations",
  );
}
