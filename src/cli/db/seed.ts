import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { say, step } from "../progress.ts";
import { type Project, shown } from "../project.ts";
import type { DatabaseTarget } from "./engine.ts";

export function seedPath(project: Project): string {
  return join(project.appDir, "seed.sql");
}

/** The tables a seed file inserts into, in order of first mention. */
export function seededTables(sql: string): string[] {
  const tables = [...sql.matchAll(/^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+"?(\w+)"?/gim)].map(
    (match) => match[1] as string,
  );
  return [...new Set(tables)];
}

/** Runs the seed file; unless `always`, only when every table it fills is empty (a fresh database). */
export async function seed(
  project: Project,
  database: DatabaseTarget,
  always: boolean,
): Promise<void> {
  const path = seedPath(project);
  if (!existsSync(path)) {
    if (always) say(`No seed file: ${shown(project, path)} doesn't exist.`);
    return;
  }
  const tables = seededTables(readFileSync(path, "utf8"));
  if (tables.length === 0) return;
  if (!always) {
    const counts = tables.map((table) => `(SELECT count(*) FROM "${table}")`).join(" + ");
    const [row] = await database.query<{ n: number }>(`SELECT ${counts} AS n`);
    if ((row?.n ?? 0) > 0) return;
  }
  await step(`Seeding ${tables.join(", ")} from ${shown(project, path)}`, () =>
    database.runFile(path),
  );
}
