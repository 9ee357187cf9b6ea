/**
 * The self-hosted production path on the mirrored database: a 3-node dqlite cluster (each node a
 * nimbus-dqlite member and a libSQL endpoint), migrated and seeded, and the demo's bundle on plain
 * `workerd serve` configured as `nimbus build` configures a node, DATABASE_URL listing the nodes'
 * endpoints (the leader's first).
 *   node hosts/mirrored-host.ts '<MirroredHostSpec as JSON>'
 * Prints one line of JSON, {"url": ..., "workerdPid": ...}, once listening; stops on SIGTERM or
 * when its stdin closes. Every process it starts inherits the core it was pinned to.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { describeBundle, describeNode, writeNodeConfig } from "../../../src/node/cluster/index.ts";
import { startMirroredCluster } from "../../../src/node/dqlite/cluster.ts";
import { migrate, openLibsql } from "../../../src/node/migrate/index.ts";
import { waitFor200 } from "../lib/http.ts";
import { seedLinks } from "../peers/shared/seed-links.mjs";

export interface MirroredHostSpec {
  root: string;
  config: string;
  bundleDir: string;
  workerdPath: string;
  dir: string;
  port: number;
  vars: Record<string, string>;
  migrationsDir: string;
  seedCount: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as MirroredHostSpec;
const cluster = await startMirroredCluster({ dir: join(spec.dir, "db"), nodes: 3 });
const leading = await cluster.leader();
const urls = [cluster.urls[leading], ...cluster.urls.filter((_, i) => i !== leading)] as string[];
const setup = await openLibsql(urls[0] as string);
await migrate(setup.target, spec.migrationsDir);
await setup.close();
const client = createClient({ url: urls[0] as string });
const rows = seedLinks(spec.seedCount);
for (let i = 0; i < rows.length; i += 200) {
  await client.batch(
    rows.slice(i, i + 200).map((r) => ({
      sql: "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      args: [r.id, r.title, r.url, r.description, r.createdAt, r.updatedAt],
    })),
    "write",
  );
}
client.close();

const app = await describeBundle(spec.root, spec.bundleDir, spec.config);
const env = { ...spec.vars, DATABASE_URL: urls.join(",") };
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
  stdio: ["ignore", process.stderr, process.stderr],
  env: { ...process.env, ...env },
});
const stop = async () => {
  workerd.kill("SIGTERM");
  await cluster.stop();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.stdin.on("close", stop);
process.stdin.resume();
workerd.once("exit", (code) => {
  console.error(`workerd exited with ${code}`);
  cluster.stop().finally(() => process.exit(1));
});
const url = `http://127.0.0.1:${spec.port}`;
await waitFor200(`${url}/hello`, { timeoutMs: 30_000, intervalMs: 20 });
console.log(JSON.stringify({ url, workerdPid: workerd.pid, databaseUrl: env.DATABASE_URL }));
