// The self-hosted production paths: the demo's bundle on plain workerd (the config nimbus build
// writes) beside a database its host process starts, everything on the server core.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { NodeHostSpec } from "../hosts/serve-node.ts";
import { freePort } from "../lib/http.ts";
import { findInTree } from "../lib/proc.ts";
import { start } from "../lib/processes.ts";
import { nimbus, readyUrl } from "./miniflare-d1.ts";
import type { BenchContext, Target, TargetName } from "./target.ts";

export interface ProductionPath {
  name: TargetName;
  /** The host script (hosts/*.ts) that starts the database and the node. */
  host: string;
  runtime(ctx: BenchContext): string;
  /** Count the host's own Node process (a database server in it) in CPU per request. */
  countHostCpu: boolean;
}

export function productionPathTarget(path: ProductionPath): Target {
  return {
    name: path.name,
    runtime: path.runtime,
    nodeVersion: () => process.version,
    async start(ctx) {
      const port = await freePort();
      const dir = join(ctx.workDir, path.name);
      mkdirSync(dir, { recursive: true });
      const spec: NodeHostSpec = {
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
      const group = start(process.execPath, [path.host, JSON.stringify(spec)], {
        core: ctx.cores.server,
        maxSeconds: ctx.maxSeconds,
      });
      const url = await readyUrl(group);
      return {
        url,
        group,
        servingPid: () => findInTree(group.pid, "workerd"),
        supportPids: () =>
          path.countHostCpu
            ? [findInTree(group.pid, "node")].filter((pid) => pid !== undefined)
            : [],
        stop: () => group.stop(),
      };
    },
    // /hello never queries: a node's cold start is the bundle's on bare workerd, as for nimbus.
    coldStart: (ctx, port, dir) => nimbus.coldStart(ctx, port, dir),
  };
}
