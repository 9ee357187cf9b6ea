// The self-hosted production paths: the demo's bundle on plain workerd (the config nimbus build
// writes) beside a database its host process starts, everything on the server core.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { NodeHostSpec } from "../hosts/serve-node.ts";
import { freePort } from "../lib/http.ts";
import { findInTree } from "../lib/proc.ts";
import { start } from "../lib/processes.ts";
import { nimbus, readyUrl } from "./miniflare-d1.ts";
import type { BenchContext, Bundle, Target, TargetName } from "./target.ts";

export interface ProductionPath {
  name: TargetName;
  /** The host script (hosts/*.ts) that starts the database and the node. */
  host: string;
  runtime(ctx: BenchContext): string;
  /** Count the host's own Node process (a database server in it) in CPU per request. */
  countHostCpu: boolean;
  /** The bundle it serves (default: the demo's). */
  bundle?: (ctx: BenchContext) => Bundle;
  /** The target whose bundle's cold start stands for this one's (default: nimbus). */
  coldStartAs?: Target;
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
      const bundle = path.bundle?.(ctx) ?? ctx.bundles.nimbus;
      const spec: NodeHostSpec = {
        root: ctx.root,
        config: bundle.config,
        bundleDir: bundle.dir,
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
    coldStart: (ctx, port, dir) => (path.coldStartAs ?? nimbus).coldStart(ctx, port, dir),
  };
}
