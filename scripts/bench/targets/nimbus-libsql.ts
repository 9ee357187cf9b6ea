// nimbus-libsql: the self-hosted production path — the demo's bundle on plain workerd, configured
// as `nimbus build` configures a node, querying the local libSQL server over HTTP. Both processes
// run on the server core, as raw-workerd's in-process Durable Object SQLite does.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LibsqlHostSpec } from "../hosts/libsql-host.ts";
import { freePort } from "../lib/http.ts";
import { findInTree } from "../lib/proc.ts";
import { start } from "../lib/processes.ts";
import { nimbus, readyUrl } from "./miniflare-d1.ts";
import type { Target } from "./target.ts";

const HOST = join(import.meta.dirname, "../hosts/libsql-host.ts");

export const nimbusLibsql: Target = {
  name: "nimbus-libsql",
  runtime: (ctx) =>
    `workerd ${ctx.workerdVersion} run directly (workerd serve, the config nimbus build writes) with DATABASE_URL on Nimbus's local libSQL server (Node, same core); CPU per request counts both processes`,
  nodeVersion: () => process.version,
  async start(ctx) {
    const port = await freePort();
    const dir = join(ctx.workDir, "nimbus-libsql");
    mkdirSync(dir, { recursive: true });
    const spec: LibsqlHostSpec = {
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
      // The libSQL server is the host's own Node process: its CPU is part of every request.
      supportPids: () => [findInTree(group.pid, "node")].filter((pid) => pid !== undefined),
      stop: () => group.stop(),
    };
  },
  // /hello never queries: a node's cold start is the bundle's on bare workerd, as for nimbus.
  coldStart: (ctx, port, dir) => nimbus.coldStart(ctx, port, dir),
};
