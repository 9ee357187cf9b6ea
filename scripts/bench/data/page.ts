/**
 * The page scenario (GET /links: 20 rows as HTML) on one workerd process, once per database path
 * Nimbus can use there: libSQL over loopback HTTP, D1 through Miniflare, SQLite in a Durable Object.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../lib/http.ts";
import { start } from "../lib/processes.ts";
import { runWrk, type WrkResult } from "../lib/wrk.ts";
import type { DatabasePath, HostSpec } from "./host.ts";

const HOST = join(import.meta.dirname, "host.ts");

export interface PageRun {
  path: DatabasePath;
  describe: string;
  rows_on_page: number;
  wrk: WrkResult;
  /** GET /hello on the same process right after: the framework's ceiling at that moment. */
  hello: WrkResult;
}

const DESCRIBE: Record<DatabasePath, string> = {
  libsql: "libSQL: @libsql/client/web over loopback HTTP to scripts/libsql-server.ts (own process)",
  "libsql-replica":
    "libSQL with a replica: reads on the replica server, each with its position check (same transaction)",
  d1: "D1: Miniflare's local D1 (a SQLite Durable Object inside the same workerd)",
  durable:
    "Durable Object SQLite in-process: the app runs inside one SQLite-backed DO (drizzle durable-sqlite)",
};

export interface PageOptions {
  workDir: string;
  bundles: { entry: string; durable: string };
  migrationsDir: string;
  seedCount: number;
  compatibilityDate: string;
  connections: number;
  durationS: number;
  warmupS: number;
  databaseUrl: string;
  replicaUrl: string;
  /** Cores for workerd and for wrk (taskset), when the machine has two or more. */
  cores: { server?: number | undefined; load?: number | undefined };
}

/** Starts host.ts for `spec` (one workerd process); resolves with its URL. */
export async function hostUrl(
  spec: HostSpec,
  maxSeconds: number,
  core: number | undefined,
): Promise<{ url: string; stop(): Promise<void> }> {
  const host = start(process.execPath, [HOST, JSON.stringify(spec)], { maxSeconds, core });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    host.child.stderr?.on("data", (chunk) => {
      err = (err + chunk).slice(-4000);
    });
    host.child.stdout?.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url.replace(/\/$/, ""));
    });
    host.exited.then((code) => reject(new Error(`host exited with ${code}\n${err}`)));
  });
  return { url, stop: () => host.stop() };
}

export async function pageScenario(path: DatabasePath, options: PageOptions): Promise<PageRun> {
  const persistDir = join(options.workDir, `persist-${path}`);
  mkdirSync(persistDir, { recursive: true });
  const host = await hostUrl(
    {
      path,
      bundle: path === "durable" ? options.bundles.durable : options.bundles.entry,
      port: await freePort(),
      persistDir,
      migrationsDir: options.migrationsDir,
      seedCount: options.seedCount,
      databaseUrl: options.databaseUrl,
      replicaUrl: options.replicaUrl,
      compatibilityDate: options.compatibilityDate,
      vars: {
        NIMBUS_ENV: "production",
        SESSION_SECRET: "bench-secret-not-for-production-use-0123456789",
      },
    },
    options.durationS + options.warmupS + 120,
    options.cores.server,
  );
  try {
    const page = await fetch(`${host.url}/links`);
    const html = await page.text();
    if (page.status !== 200)
      throw new Error(`${path}: GET /links answered ${page.status}\n${html.slice(0, 500)}`);
    const rows = (html.match(/<tr>/g) ?? []).length - 1; // minus the header row
    const load = {
      url: `${host.url}/links`,
      connections: options.connections,
      core: options.cores.load,
    };
    await runWrk({ ...load, durationS: options.warmupS });
    const wrk = await runWrk({ ...load, durationS: options.durationS });
    const hello = await runWrk({
      ...load,
      url: `${host.url}/hello`,
      durationS: Math.max(1, Math.round(options.durationS / 2)),
    });
    return { path, describe: DESCRIBE[path], rows_on_page: rows, wrk, hello };
  } finally {
    await host.stop();
  }
}
