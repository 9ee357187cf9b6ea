/**
 * The self-hosted production path on the mirrored database: a 3-node dqlite cluster (each node a
 * nimbus-dqlite member and a libSQL endpoint), migrated and seeded, and the demo's bundle on plain
 * `workerd serve` configured as `nimbus build` configures a node, DATABASE_URL listing the nodes'
 * endpoints (the leader's first).
 *   node hosts/mirrored-host.ts '<NodeHostSpec as JSON>'
 * Prints one line of JSON, {"url": ..., "workerdPid": ...}, once listening; stops on SIGTERM or
 * when its stdin closes. Every process it starts inherits the core it was pinned to.
 */
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { startMirroredCluster } from "../../../src/node/dqlite/cluster.ts";
import { migrate, openLibsql } from "../../../src/node/migrate/index.ts";
import { seedLinks } from "../peers/shared/seed-links.mjs";
import { type NodeHostSpec, serveNode } from "./serve-node.ts";

const spec = JSON.parse(process.argv[2] ?? "{}") as NodeHostSpec;
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

await serveNode(spec, urls.join(","), () => cluster.stop());
