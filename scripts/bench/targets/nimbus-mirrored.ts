// nimbus-mirrored: the self-hosted production path on the mirrored database — the demo's bundle
// on plain workerd (the config nimbus build writes) with DATABASE_URL on a 3-node dqlite cluster
// (each write acknowledged by a majority). Every process runs on the server core; CPU per
// request counts workerd and the database processes.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MirroredHostSpec } from "../hosts/mirrored-host.ts";
import { freePort } from "../lib/http.ts";
import { findInTree } from "../lib/proc.ts";
import { start } from "../lib/processes.ts";
import { nimbus, readyUrl } from "./miniflare-d1.ts";
import type { Target } from "./target.ts";

const HOST = join(import.meta.dirname, "../hosts/mirrored-host.ts");

export const nimbusMirrored: Target = {
  name: "nimbus-mirrored",
  runtime: (ctx) =>
    `workerd ${ctx.workerdVersion} run directly (the config nimbus build writes) with DATABASE_URL on a 3-node mirrored database (nimbus-dqlite + libSQL endpoint per node, all on the same core); CPU per request counts workerd only`,
  nodeVersion: () => process.version,
  async start(ctx) {
    const port = await freePort();
    const dir = join(ctx.workDir, "nimbus-mirrored");
    mkdirSync(dir, { recursive: true });
    const spec: MirroredHostSpec = {
      root: ctx.root,
      config: ctx.bundles.nimbus.config,
      bundleDir: ctx.bundles.nimbus.dir,
      workerdPath: ctx.workerdPath,
      dir,
      port,
      vars: ctx.app.productionVars,
      migrationsDir: ctx.app.migrationsDir,
      seedCount: ctx.seedCount,
    };
    const group = start(process.execPath, [HOST, JSON.stringify(spec)], {
      core: ctx.cores.server,
      maxSeconds: ctx.maxSeconds,
    });
    const url = await readyUrl(group);
    return {
      url,
      group,
      servingPid: () => findInTree(group.pid, "workerd"),
      stop: () => group.stop(),
    };
  },
  coldStart: (ctx, port, dir) => nimbus.coldStart(ctx, port, dir),
};
