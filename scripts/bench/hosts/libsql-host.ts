/**
 * The self-hosted production path of one node: the local libSQL server (migrated and seeded) and
 * the demo's bundle on plain `workerd serve`, configured the way `nimbus build` configures a node
 * (DATABASE_URL pointing at the server, Durable Objects on local disk, production vars).
 *   node hosts/libsql-host.ts '<LibsqlHostSpec as JSON>'
 * Prints one line of JSON, {"url": ..., "workerdPid": ...}, once listening; stops on SIGTERM or
 * when its stdin closes (the runner died). Both processes share the core it was pinned to.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "libsql";
import { describeBundle, describeNode, writeNodeConfig } from "../../../src/node/cluster/index.ts";
import { startLibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { waitFor200 } from "../lib/http.ts";
import { migrationScript } from "../lib/migrations.ts";
import { seedLinks } from "../peers/shared/seed-links.mjs";

export interface LibsqlHostSpec {
  root: string;
  /** The wrangler.toml and the folder `wrangler deploy --dry-run` wrote the bundle to. */
  config: string;
  bundleDir: string;
  workerdPath: string;
  dir: string;
  port: number;
  vars: Record<string, string>;
  migrationsDir: string;
  seedCount: number;
}

function migrateAndSeed(file: string, migrationsDir: string, count: number): void {
  const db = new Database(file);
  db.exec(migrationScript(migrationsDir));
  const insert = db.prepare(
    "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (const r of seedLinks(count))
      insert.run(r.id, r.title, r.url, r.description, r.createdAt, r.updatedAt);
  })();
  db.close();
}

const spec = JSON.parse(process.argv[2] ?? "{}") as LibsqlHostSpec;
const file = join(spec.dir, "db.sqlite");
migrateAndSeed(file, spec.migrationsDir, spec.seedCount);
const server = await startLibsqlServer({ file, port: 0 });
const app = await describeBundle(spec.root, spec.bundleDir, spec.config);
const env = { ...spec.vars, DATABASE_URL: server.url };
const node = describeNode(app, {
  name: "bench",
  address: `127.0.0.1:${spec.port}`,
  storageDir: join(spec.dir, "storage"),
  env,
  // The run's production vars (NIMBUS_ENV, the cache-bypass secret) are not in wrangler.toml's
  // [vars]: the node reads them from workerd's environment, as it reads its secrets.
  secrets: Object.keys(spec.vars),
});
const config = writeNodeConfig(node, join(spec.dir, "node.capnp"));
const workerd = spawn(spec.workerdPath, ["serve", config], {
  // Its request log lines go to stderr: stdout carries only our ready line.
  stdio: ["ignore", process.stderr, process.stderr],
  env: { ...process.env, ...env },
});
const stop = async () => {
  workerd.kill("SIGTERM");
  await server.close();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.stdin.on("close", stop);
process.stdin.resume();
workerd.once("exit", (code) => {
  console.error(`workerd exited with ${code}`);
  process.exit(1);
});
const url = `http://127.0.0.1:${spec.port}`;
await waitFor200(`${url}/hello`, { timeoutMs: 30_000, intervalMs: 20 });
console.log(JSON.stringify({ url, workerdPid: workerd.pid, databaseUrl: server.url }));
