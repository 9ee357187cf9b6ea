// Where a Node peer listens and keeps its database: the runner passes them on the command line.
import { parseArgs } from "node:util";

export function peerOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      db: { type: "string" },
      migrations: { type: "string" },
      seed: { type: "string", default: "1000" },
    },
  });
  if (!values.port || !values.db || !values.migrations) {
    throw new Error("usage: node <peer>.mjs --port N --db FILE --migrations DIR [--seed N]");
  }
  return {
    port: Number(values.port),
    dbFile: values.db,
    migrationsDir: values.migrations,
    seedCount: Number(values.seed),
  };
}

/**
 * Ends the peer on SIGTERM, or when the runner's pipe closes (a crashed runner leaves nothing
 * behind), closing the database first: SQLite folds its WAL back in, so the next start opens a
 * tidy file instead of recovering a large log.
 */
export function exitWithParent(db) {
  const close = () => {
    db.close();
    process.exit(0);
  };
  process.stdin.on("end", close).resume();
  process.on("SIGTERM", close);
  process.on("SIGINT", close);
}
