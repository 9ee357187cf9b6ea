// better-sqlite3 set up as its docs recommend (WAL), the demo's migrations, the shared seed, and
// the statements the scenarios run, prepared once.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { seedLinks } from "../shared/seed-links.mjs";

const LINK_COLUMNS = "id, created_at, updated_at, title, url, description, votes";
function migrate(db, migrationsDir) {
  const done = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'links'")
    .get();
  if (done) return;
  // drizzle-kit's "--> statement-breakpoint" markers are SQL comments, so each file runs as is.
  for (const file of readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(readFileSync(join(migrationsDir, file), "utf8"));
  }
}

function seed(db, count) {
  if (db.prepare("SELECT 1 FROM links LIMIT 1").get()) return;
  const insert = db.prepare(
    "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  db.transaction((rows) => {
    for (const r of rows) insert.run(r.id, r.title, r.url, r.description, r.createdAt, r.updatedAt);
  })(seedLinks(count));
}

/** Opens (and on first use migrates and seeds) the database at `file`. */
export function openLinks(file, migrationsDir, seedCount) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  migrate(db, migrationsDir);
  seed(db, seedCount);
  return {
    close: () => db.close(),
    listPage: db.prepare(`SELECT ${LINK_COLUMNS} FROM links ORDER BY id DESC LIMIT ? OFFSET ?`),
    linkById: db.prepare(`SELECT ${LINK_COLUMNS} FROM links WHERE id = ?`),
    commentsOf: db.prepare(
      "SELECT id, created_at, updated_at, link_id, author, body FROM comments WHERE link_id = ? ORDER BY id",
    ),
    insertLink: db.prepare(
      `INSERT INTO links (created_at, updated_at, title, url, description) VALUES (?, ?, ?, ?, ?) RETURNING ${LINK_COLUMNS}`,
    ),
  };
}

/** SQLite refused a duplicate url: the client's mistake (422), not the server's. */
export function isUniqueViolation(error) {
  return error?.code === "SQLITE_CONSTRAINT_UNIQUE";
}
