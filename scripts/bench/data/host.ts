/**
 * Serves one bench Worker on one workerd process through Miniflare's API, for one database path:
 * libSQL over loopback HTTP, D1 (Miniflare's local D1), or SQLite in a Durable Object. Requests
 * go to the Worker's own socket, so only workerd is on the request path.
 *   node scripts/bench/data/host.ts '<HostSpec as JSON>'
 * Prints {"url": …} once seeded and listening; stops on SIGTERM or when stdin closes.
 */
import { dirname } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import { d1Target, migrate } from "../../../src/node/migrate/index.ts";
import { migrationStatements } from "../lib/migrations.ts";
import { INSERT_LINK, seedRows } from "./seed.ts";

export type DatabasePath = "libsql" | "libsql-replica" | "d1" | "durable";

export interface HostSpec {
  path: DatabasePath;
  bundle: string;
  port: number;
  persistDir: string;
  migrationsDir: string;
  seedCount: number;
  /** For "libsql…": the primary (already migrated and seeded by the runner). */
  databaseUrl?: string;
  /** For "libsql-replica": the replica reads go to. */
  replicaUrl?: string;
  compatibilityDate: string;
  vars: Record<string, string>;
}

const WORKER = "board";

function workerOptions(spec: HostSpec): V4WorkerOptions {
  const base: V4WorkerOptions = {
    name: WORKER,
    modules: true,
    scriptPath: spec.bundle,
    modulesRoot: dirname(spec.bundle),
    compatibilityDate: spec.compatibilityDate,
    compatibilityFlags: ["nodejs_compat"],
    bindings: { ...spec.vars },
    unsafeDirectSockets: [{ host: "127.0.0.1", port: spec.port }],
  };
  if (spec.path === "d1") return { ...base, d1Databases: ["DB"] };
  if (spec.path === "libsql" || spec.path === "libsql-replica") {
    const replicas = spec.path === "libsql-replica" ? (spec.replicaUrl ?? "") : "";
    return {
      ...base,
      bindings: {
        ...base.bindings,
        DATABASE_URL: spec.databaseUrl ?? "",
        DATABASE_REPLICA_URLS: replicas,
      },
    };
  }
  return {
    ...base,
    bindings: {
      ...base.bindings,
      SCHEMA: migrationStatements(spec.migrationsDir),
      SEED: seedRows(spec.seedCount) as never,
    },
    durableObjects: { BOARD: { className: "LinkBoard", useSQLite: true } },
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as HostSpec;
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({ host: "127.0.0.1", port: 0, ...workerOptions(spec) }),
    logRequests: false,
    enableDevRegistry: false,
    handleStructuredLogs: () => {},
    resourcePersistencePath: spec.persistDir,
  });
  const stop = async () => {
    await mf.dispose().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop).resume();
  await mf.ready;
  if (spec.path === "d1") {
    const db = (await mf.getD1Database("DB", WORKER)) as D1Database;
    await migrate(d1Target(db), spec.migrationsDir);
    const insert = db.prepare(INSERT_LINK);
    const rows = seedRows(spec.seedCount);
    for (let i = 0; i < rows.length; i += 100) {
      await db.batch(rows.slice(i, i + 100).map((row) => insert.bind(...row)));
    }
  }
  const url = await mf.unsafeGetDirectURL(WORKER);
  process.stdout.write(`${JSON.stringify({ url: url.href })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
