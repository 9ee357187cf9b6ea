import { type Migration, readMigrations } from "./folder.ts";
import type { MigrationTarget } from "./target.ts";

/** wrangler's record of applied migrations; Nimbus keeps the same one, so the tools agree. */
export const MIGRATIONS_TABLE = "d1_migrations";

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

export interface AppliedMigration {
  name: string;
  appliedAt: string;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  /** Files not applied yet, in the order they will be. */
  pending: string[];
  /** Recorded as applied but missing from the folder (renamed or deleted files). */
  unknown: string[];
}

export interface MigrateOptions {
  /** Told before each migration runs (for progress lines). */
  onMigration?: (name: string, index: number, total: number) => void;
}

/** A migration that failed; the database is as it was before that migration. */
export class MigrationError extends Error {
  readonly migration: string;
  constructor(target: MigrationTarget, migration: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Migration ${migration} failed on ${target.label}: ${reason}. Nothing of it was applied; fix the file and run \`nimbus db migrate\` again.`,
      { cause },
    );
    this.name = "MigrationError";
    this.migration = migration;
  }
}

function load(folder: string | readonly Migration[]): readonly Migration[] {
  return typeof folder === "string" ? readMigrations(folder) : folder;
}

async function appliedOf(target: MigrationTarget): Promise<AppliedMigration[]> {
  await target.applyAtomically([CREATE_TABLE]);
  const rows = await target.query<{ name: string; applied_at: string }>(
    `SELECT name, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY id`,
  );
  return rows.map((row) => ({ name: String(row.name), appliedAt: String(row.applied_at) }));
}

/** Which migrations of `folder` (a path or the files' contents) `target` has, and which not. */
export async function migrationStatus(
  target: MigrationTarget,
  folder: string | readonly Migration[],
): Promise<MigrationStatus> {
  const migrations = load(folder);
  const applied = await appliedOf(target);
  const done = new Set(applied.map((migration) => migration.name));
  const known = new Set(migrations.map((migration) => migration.name));
  return {
    applied,
    pending: migrations.filter((m) => !done.has(m.name)).map((m) => m.name),
    unknown: applied.filter((m) => !known.has(m.name)).map((m) => m.name),
  };
}

/**
 * Applies the pending migrations of `folder`, each in one atomic step together with its
 * record in `d1_migrations`; stops at the first failure, which leaves no trace. A second run
 * applies nothing. Returns the names applied.
 */
export async function migrate(
  target: MigrationTarget,
  folder: string | readonly Migration[],
  options: MigrateOptions = {},
): Promise<string[]> {
  const migrations = load(folder);
  const { pending } = await migrationStatus(target, migrations);
  const applied: string[] = [];
  for (const [index, name] of pending.entries()) {
    const migration = migrations.find((m) => m.name === name) as Migration;
    options.onMigration?.(name, index, pending.length);
    const record = `INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES (${literal(name)})`;
    try {
      await target.applyAtomically([...migration.statements, record]);
    } catch (error) {
      throw new MigrationError(target, name, error);
    }
    applied.push(name);
  }
  return applied;
}
