/** Migration folders for the migrator's tests: the demo's first migration plus a few of our own. */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./cluster.ts";

export const FIRST = "0000_links_and_comments.sql";

const FILES: Record<string, string> = {
  "0001_tags.sql": `CREATE TABLE \`tags\` (
	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`name\` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE \`links\` ADD \`tag_id\` integer;`,
  // drizzle-kit's way of changing a column: rebuild the table with foreign keys off.
  "0002_rebuild_links.sql": `PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE \`__new_links\` (
	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`created_at\` integer NOT NULL,
	\`updated_at\` integer NOT NULL,
	\`title\` text NOT NULL,
	\`url\` text NOT NULL,
	\`description\` text DEFAULT '' NOT NULL,
	\`tag_id\` integer
);
--> statement-breakpoint
INSERT INTO \`__new_links\`("id", "created_at", "updated_at", "title", "url", "description", "tag_id") SELECT "id", "created_at", "updated_at", "title", "url", coalesce("description", ''), "tag_id" FROM \`links\`;--> statement-breakpoint
DROP TABLE \`links\`;--> statement-breakpoint
ALTER TABLE \`__new_links\` RENAME TO \`links\`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX \`links_url_unique\` ON \`links\` (\`url\`);`,
};

/** A statement that fails half-way through a migration whose first statement succeeds. */
export const BROKEN = {
  name: "0003_broken.sql",
  sql: "CREATE TABLE notes (id integer PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n",
};

/** Writes the first migration and the given extra ones into `dir`. */
export function writeMigrations(dir: string, names: string[]): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(MIGRATIONS, FIRST), join(dir, FIRST));
  for (const name of names) {
    const sql = name === BROKEN.name ? BROKEN.sql : FILES[name];
    if (sql === undefined) throw new Error(`unknown test migration ${name}`);
    writeFileSync(join(dir, name), sql);
  }
  return dir;
}

export const SCHEMA =
  "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE '_cf_%' ORDER BY name";
