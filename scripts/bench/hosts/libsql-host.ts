/**
 * The self-hosted production path of one node: the local libSQL server (migrated and seeded) and
 * the demo's bundle on plain `workerd serve`, configured the way `nimbus build` configures a node
 * (DATABASE_URL pointing at the server, Durable Objects on local disk, production vars).
 *   node hosts/libsql-host.ts '<NodeHostSpec as JSON>'
 * Prints one line of JSON, {"url": ..., "workerdPid": ...}, once listening; stops on SIGTERM or
 * when its stdin closes (the runner died). Both processes share the core it was pinned to.
 */
import { join } from "node:path";
import Database from "libsql";
import { startLibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { migrationScript } from "../lib/migrations.ts";
import { seedLinks } from "../peers/shared/seed-links.mjs";
import { type NodeHostSpec, serveNode } from "./serve-node.ts";

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

const spec = JSON.parse(process.argv[2] ?? "{}") as NodeHostSpec;
const file = join(spec.dir, "db.sqlite");
migrateAndSeed(file, spec.migrationsDir, spec.seedCount);
const server = await startLibsqlServer({ file, port: 0 });
await serveNode(spec, server.url, () => server.close());
