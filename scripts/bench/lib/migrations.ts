import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The demo's migrations in order, as single statements (D1's prepare() takes one at a time). */
export function migrationStatements(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .flatMap((file) => readFileSync(join(dir, file), "utf8").split("--> statement-breakpoint"))
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** All migrations as one script, for engines that run several statements per call. */
export function migrationScript(dir: string): string {
  return migrationStatements(dir)
    .map((statement) => (statement.endsWith(";") ? statement : `${statement};`))
    .join("\n");
}
