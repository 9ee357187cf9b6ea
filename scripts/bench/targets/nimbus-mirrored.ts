// nimbus-mirrored: the self-hosted production path on the mirrored database — the demo's bundle
// on plain workerd with DATABASE_URL on a 3-node dqlite cluster (each write acknowledged by a
// majority), every process on the server core.
import { join } from "node:path";
import { productionPathTarget } from "./production-path.ts";

export const nimbusMirrored = productionPathTarget({
  name: "nimbus-mirrored",
  host: join(import.meta.dirname, "../hosts/mirrored-host.ts"),
  runtime: (ctx) =>
    `workerd ${ctx.workerdVersion} run directly (the config nimbus build writes) with DATABASE_URL on a 3-node mirrored database (nimbus-dqlite + libSQL endpoint per node, all on the same core); CPU per request counts workerd only`,
  countHostCpu: false,
});
