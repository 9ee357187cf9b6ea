// raw-workerd: a bare fetch handler on workerd; the database scenarios use one SQLite-backed
// Durable Object (the runtime's floor for what D1 does), all in one workerd process.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, waitFor200 } from "../lib/http.ts";
import { migrationScript } from "../lib/migrations.ts";
import { findInTree } from "../lib/proc.ts";
import { start } from "../lib/processes.ts";
import { writeRawWorkerdConfig } from "../lib/workerd-config.ts";
import type { BenchContext, Target } from "./target.ts";

function config(ctx: BenchContext, port: number, dir: string): string {
  const storageDir = join(dir, "storage");
  mkdirSync(storageDir, { recursive: true });
  return writeRawWorkerdConfig({
    dir,
    port,
    storageDir,
    schemaSql: migrationScript(ctx.app.migrationsDir),
    seedCount: ctx.seedCount,
    compatibilityDate: ctx.app.compatibilityDate,
  });
}

export const rawWorkerd: Target = {
  name: "raw-workerd",
  runtime: (ctx) =>
    `workerd ${ctx.workerdVersion} run directly (workerd serve); database scenarios in one SQLite-backed Durable Object on local disk`,
  nodeVersion: () => undefined,
  async start(ctx) {
    const port = await freePort();
    const dir = join(ctx.workDir, "raw-workerd");
    mkdirSync(dir, { recursive: true });
    const group = start(ctx.workerdPath, ["serve", config(ctx, port, dir)], {
      core: ctx.cores.server,
      maxSeconds: ctx.maxSeconds,
      logFile: join(dir, "workerd.log"),
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor200(`${url}/hello`, {
      timeoutMs: 30_000,
      intervalMs: 20,
      gone: () => group.child.exitCode !== null,
    });
    return {
      url,
      group,
      servingPid: () => findInTree(group.pid, "workerd"),
      stop: () => group.stop(),
    };
  },
  coldStart(ctx, port, dir) {
    return {
      how: "workerd serve, as in the load runs",
      command: ctx.workerdPath,
      args: ["serve", config(ctx, port, dir)],
      serving: "workerd",
    };
  },
};
