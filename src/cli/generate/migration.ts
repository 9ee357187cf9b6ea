import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { step } from "../progress.ts";
import type { Project } from "../project.ts";
import { runTool } from "../tools.ts";

/** Every file under the migrations folder, relative to the app's root. */
export function migrationFiles(project: Project): string[] {
  if (!existsSync(project.migrationsDir)) return [];
  return readdirSync(project.migrationsDir, { recursive: true, encoding: "utf8" })
    .map((file) => relative(project.root, join(project.migrationsDir, file)).split("\\").join("/"))
    .filter((file) => file.endsWith(".sql") || file.endsWith("_snapshot.json"))
    .sort();
}

export function journalPath(project: Project): string {
  return relative(project.root, join(project.migrationsDir, "meta", "_journal.json"));
}

/**
 * Runs drizzle-kit against models/schema.ts: it compares the schema with the last snapshot and
 * writes the SQL of the difference (or nothing, when there is none). Returns the new files.
 */
export async function generateMigration(
  project: Project,
  name: string,
  custom = false,
): Promise<string[]> {
  const before = new Set(migrationFiles(project));
  const schema = relative(project.root, join(project.appDir, "models", "schema.ts"));
  const out = relative(project.root, project.migrationsDir);
  const args = [
    "generate",
    "--dialect",
    "sqlite",
    "--schema",
    schema,
    "--out",
    out,
    "--casing",
    "snake_case",
    "--name",
    name,
  ];
  if (custom) args.push("--custom");
  await step(`drizzle-kit generate --name ${name}`, () =>
    runTool("drizzle-kit", args, { cwd: project.root, timeoutMs: 120_000 }),
  );
  return migrationFiles(project).filter((file) => !before.has(file));
}
