// nimbus-libsql: the self-hosted production path — the demo's bundle on plain workerd querying the
// local libSQL server over HTTP, both on the server core, as raw-workerd's in-process Durable
// Object SQLite is. The server runs in the host's Node process, so CPU per request counts it.
import { join } from "node:path";
import { honoDrizzle } from "./miniflare-d1.ts";
import { productionPathTarget } from "./production-path.ts";

export const nimbusLibsql = productionPathTarget({
  name: "nimbus-libsql",
  host: join(import.meta.dirname, "../hosts/libsql-host.ts"),
  runtime: (ctx) =>
    `workerd ${ctx.workerdVersion} run directly (workerd serve, the config nimbus build writes) with DATABASE_URL on Nimbus's local libSQL server (Node, same core); CPU per request counts both processes`,
  countHostCpu: true,
});

// hono-drizzle-libsql: the hono-drizzle peer, unchanged, on the same path (same host, server and
// client: peers/hono-drizzle-libsql): what hand-written Hono + hono/jsx + drizzle cost there.
export const honoDrizzleLibsql = productionPathTarget({
  name: "hono-drizzle-libsql",
  host: join(import.meta.dirname, "../hosts/libsql-host.ts"),
  runtime: (ctx) =>
    `the hono-drizzle peer's unchanged code on workerd ${ctx.workerdVersion} (workerd serve) with drizzle's libSQL driver over Nimbus's client, on Nimbus's local libSQL server (Node, same core); CPU per request counts both processes`,
  countHostCpu: true,
  bundle: (ctx) => ctx.bundles["hono-drizzle-libsql"],
  // /hello never queries: its cold start is the hono-drizzle bundle's on bare workerd.
  coldStartAs: honoDrizzle,
});
