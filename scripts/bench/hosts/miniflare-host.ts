/**
 * Serves one bundled Worker through Miniflare's API with every binding its wrangler.toml declares
 * (D1, Durable Objects, vars, ...), as wrangler itself configures them (its options, read by the
 * runner, arrive in a file). Requests go to the
 * Worker's own workerd socket (unsafeDirectSockets), not through Miniflare's entry worker, so
 * only workerd is on the request path.
 *   node hosts/miniflare-host.ts '<HostSpec as JSON>'
 * Prints one line of JSON, {"url": ...}, once migrated, seeded and listening; stops on SIGTERM or
 * when its stdin closes (the runner died).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import { migrationStatements } from "../lib/migrations.ts";
import { seedLinks } from "../peers/shared/seed-links.mjs";

export interface HostSpec {
  /** wrangler's Miniflare options for the Worker's wrangler.toml, as JSON (lib/bundle.ts). */
  workerOptionsFile: string;
  /** The module `wrangler deploy --dry-run` wrote. */
  bundle: string;
  /** Vars that replace wrangler.toml's (production mode, a real secret). */
  vars: Record<string, string>;
  d1Binding: string;
  persistDir: string;
  port: number;
  /** Skipped when undefined (cold starts only answer /hello). */
  migrationsDir: string | undefined;
  seedCount: number;
  /** Opens workerd's V8 inspector on this port (scripts/bench/profile.ts). */
  inspectorPort?: number;
}

const WORKER = "app";
const SEED_BATCH = 100;

async function migrateAndSeed(db: D1Database, migrationsDir: string, count: number): Promise<void> {
  await db.batch(migrationStatements(migrationsDir).map((sql) => db.prepare(sql)));
  const insert = db.prepare(
    "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const rows = seedLinks(count);
  for (let i = 0; i < rows.length; i += SEED_BATCH) {
    await db.batch(
      rows
        .slice(i, i + SEED_BATCH)
        .map((r) => insert.bind(r.id, r.title, r.url, r.description, r.createdAt, r.updatedAt)),
    );
  }
}

const MODULE_TYPES: Record<string, "ESModule" | "CompiledWasm" | "Text" | "Data"> = {
  ".js": "ESModule",
  ".mjs": "ESModule",
  ".wasm": "CompiledWasm",
  ".txt": "Text",
  ".html": "Text",
  ".sql": "Text",
  ".bin": "Data",
};

/** Every module wrangler wrote, the main one first (Miniflare starts from the first). */
function bundleModules(main: string) {
  const dir = dirname(main);
  const others = readdirSync(dir)
    .map((file) => join(dir, file))
    .filter((path) => path !== main && MODULE_TYPES[extname(path)] !== undefined);
  return [main, ...others].map((path) => ({
    type: MODULE_TYPES[extname(path)] ?? "ESModule",
    path,
  }));
}

function miniflareOptions(spec: HostSpec) {
  const workerOptions: unknown = JSON.parse(readFileSync(spec.workerOptionsFile, "utf8"));
  // The bundle's modules are listed below, so wrangler's rules for finding them are not needed.
  const { modulesRules: _rules, ...fromWrangler } = workerOptions as V4WorkerOptions & {
    modulesRules?: unknown;
  };
  const worker: V4WorkerOptions = {
    ...fromWrangler,
    name: WORKER,
    modules: bundleModules(spec.bundle),
    modulesRoot: dirname(spec.bundle),
    bindings: { ...fromWrangler.bindings, ...spec.vars },
    unsafeDirectSockets: [{ host: "127.0.0.1", port: spec.port }],
  };
  return {
    ...convertV4MiniflareOptions({ host: "127.0.0.1", port: 0, ...worker }),
    logRequests: false,
    enableDevRegistry: false,
    // The app's console lines are not the bench's business; dropping them keeps this process idle.
    handleStructuredLogs: () => {},
    resourcePersistencePath: spec.persistDir,
    ...(spec.inspectorPort ? { inspectorPort: spec.inspectorPort } : {}),
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as HostSpec;
  const mf = new Miniflare(miniflareOptions(spec));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await mf.dispose().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop).resume();

  await mf.ready;
  if (spec.migrationsDir) {
    const db = (await mf.getD1Database(spec.d1Binding, WORKER)) as D1Database;
    await migrateAndSeed(db, spec.migrationsDir, spec.seedCount);
  }
  const url = await mf.unsafeGetDirectURL(WORKER);
  process.stdout.write(`${JSON.stringify({ url: url.href })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
