// nimbus-libsql: the self-hosted production path — the demo's bundle on plain workerd querying the
// local libSQL server over HTTP, both on the server core, as raw-workerd's in-process Durable
// Object SQLite is. The server runs in the host's Node process, so CPU per request counts it.
import { join } from "node:path";
import { productionPathTarget } from "./production-path.ts";

export const nimbusLibsql = productionPathTarget({
  name: "nimbus-libsql",
  host: join(import.meta.dirname, "../hosts/libsql-host.ts"),
  runtime: (ctx) =>
    `workerd ${ctx.workerdVersion} run directly (workerd serve, the config nimbus build writes) with DATABASE_URL on Nimbus's local libSQL server (Node, same core); CPU per request counts both processes`,
  countHostCpu: true,
});
