import { readFileSync } from "node:fs";
import { say } from "../progress.ts";
import type { Project } from "../project.ts";
import type { DatabaseTarget } from "./engine.ts";

const INTERNAL = "name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'";

/**
 * The local D1 database (through wrangler's getPlatformProxy, the files `wrangler dev` serves)
 * or a libSQL database, through the framework's migrator: each migration is applied atomically
 * with its record in wrangler's d1_migrations table, so wrangler and Nimbus agree on what ran.
 */
export async function local(
  project: Project,
  options: { databaseUrl?: string | undefined; authToken?: string | undefined },
): Promise<DatabaseTarget> {
  // Loaded on use: @libsql/client and wrangler are heavy for commands that don't touch data.
  const migrator = await import("../../node/migrate/index.ts");
  // getPlatformProxy's warnings (bindings it can't serve outside wrangler dev) are not ours to show.
  process.env.WRANGLER_LOG ??= "error";
  const { target, close } = await migrator.openMigrationTarget({
    configPath: project.configPath,
    binding: project.binding,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.authToken ? { authToken: options.authToken } : {}),
  });
  return {
    label: target.label,
    migrate: () => migrator.migrate(target, project.migrationsDir),
    status: async () => {
      const { applied, pending, unknown } = await migrator.migrationStatus(
        target,
        project.migrationsDir,
      );
      for (const migration of applied)
        say(`  applied  ${migration.name}  (${migration.appliedAt})`);
      for (const name of pending) say(`  pending  ${name}`);
      for (const name of unknown)
        say(`  unknown  ${name}  (recorded as applied, but no file in migrations/)`);
      if (applied.length + pending.length === 0) say("  no migrations yet");
    },
    query: (statement) => target.query(statement),
    runFile: (path) => target.applyAtomically(migrator.statementsOf(readFileSync(path, "utf8"))),
    dropAll: async () => {
      const tables = await target.query<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND ${INTERNAL}`,
      );
      // One at a time, children after a failed parent: a foreign key may refuse a drop until then.
      let left = tables.map((table) => table.name);
      for (let round = 0; left.length > 0 && round < tables.length; round++) {
        const failed: string[] = [];
        for (const name of left)
          await target.query(`DROP TABLE IF EXISTS "${name}"`).catch(() => failed.push(name));
        left = failed;
      }
      if (left.length > 0) throw new Error(`could not drop ${left.join(", ")}`);
      return tables.map((table) => table.name);
    },
    close,
  };
}
