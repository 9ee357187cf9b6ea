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

/** Ends the peer when the runner's pipe closes, so a crashed runner leaves nothing behind. */
export function exitWithParent(close) {
  process.stdin.on("end", close).resume();
  process.on("SIGTERM", close);
  process.on("SIGINT", close);
}
