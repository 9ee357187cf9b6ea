import { CliError } from "../errors.ts";
import { say, step } from "../progress.ts";
import type { Project } from "../project.ts";
import { d1Remote } from "./d1-remote.ts";
import { local } from "./local.ts";

/** What `nimbus db` and `nimbus dev` do to a database, whichever engine it is. */
export interface DatabaseTarget {
  /** Shown in progress lines: "local D1 DB", "libSQL http://…". */
  label: string;
  /** Applies pending migrations; returns the names of those it applied. */
  migrate(): Promise<string[]>;
  /** Prints applied and pending migrations. */
  status(): Promise<void>;
  /** Rows of one statement. */
  query<Row extends Record<string, unknown>>(statement: string): Promise<Row[]>;
  /** Runs a SQL file as one unit. */
  runFile(path: string): Promise<void>;
  /** Drops every table, the migrations' record included; returns their names. */
  dropAll(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The configured database, one function per engine: libSQL when DATABASE_URL is set, the
 * Cloudflare D1 database with `remote`, else the local D1 that `wrangler dev` serves.
 */
export function databaseFor(
  project: Project,
  options: { remote?: boolean } = {},
): Promise<DatabaseTarget> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return local(project, { databaseUrl: url, authToken: process.env.DATABASE_AUTH_TOKEN });
  return options.remote ? Promise.resolve(d1Remote(project)) : local(project, {});
}

/** Applies pending migrations with a progress line, then names what it applied. */
export async function migrate(database: DatabaseTarget): Promise<void> {
  const applied = await step(`Applying migrations to ${database.label}`, () => database.migrate());
  say(
    applied.length > 0
      ? applied.map((name) => `  applied ${name}`).join("\n")
      : "  no pending migrations",
  );
}

/** Opens the configured database for `work`, and always closes it (a local D1 runs a workerd). */
export async function withDatabase<T>(
  project: Project,
  options: { remote?: boolean },
  work: (database: DatabaseTarget) => Promise<T>,
): Promise<T> {
  const database = await step("Opening the database", () => databaseFor(project, options));
  try {
    return await work(database);
  } catch (error) {
    if (error instanceof CliError || !(error instanceof Error)) throw error;
    const unreachable = /fetch failed|ECONNREFUSED/.test(`${error.message} ${error.cause ?? ""}`);
    throw new CliError(`${database.label}: ${error.message}`, {
      ...(unreachable
        ? { hint: "Is the database server running? `npx nimbus db serve` starts a local one." }
        : {}),
    });
  } finally {
    await database.close();
  }
}
