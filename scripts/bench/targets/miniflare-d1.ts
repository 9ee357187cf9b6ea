// nimbus, hono-drizzle and hono-drizzle-defaults: a wrangler bundle on workerd with D1, through Miniflare's API.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HostSpec } from "../hosts/miniflare-host.ts";
import { freePort } from "../lib/http.ts";
import { findInTree } from "../lib/proc.ts";
import { runToEnd, type Started, start } from "../lib/processes.ts";
import { writeBundleConfig } from "../lib/workerd-config.ts";
import type { BenchContext, RunningTarget, Target } from "./target.ts";

const HOST = join(import.meta.dirname, "../hosts/miniflare-host.ts");
const START_TIME_WRAPPER = join(import.meta.dirname, "../hosts/workerd-start-time.sh");
const READY_WITHIN_MS = 90_000;

type Name = "nimbus" | "hono-drizzle" | "hono-drizzle-defaults";

/** The URL a host prints as its first JSON line, once migrated, seeded and listening. */
export function readyUrl(host: Started): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => reject(new Error(`Miniflare host not ready in ${READY_WITHIN_MS} ms\n${err}`)),
      READY_WITHIN_MS,
    );
    host.child.stderr?.on("data", (chunk) => {
      err = (err + chunk).slice(-4000);
    });
    host.child.stdout?.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url.replace(/\/$/, ""));
    });
    host.exited.then((code) => reject(new Error(`Miniflare host exited with ${code}\n${err}`)));
  });
}

const varsOf = (ctx: BenchContext, name: Name) => (name === "nimbus" ? ctx.app.productionVars : {});

function hostSpec(
  ctx: BenchContext,
  name: Name,
  dir: string,
  port: number,
  seed: boolean,
): HostSpec {
  const persistDir = join(dir, "persist");
  mkdirSync(persistDir, { recursive: true });
  const workerOptionsFile = join(dir, "worker-options.json");
  writeFileSync(workerOptionsFile, JSON.stringify(ctx.bundles[name].workerOptions));
  return {
    workerOptionsFile,
    bundle: ctx.bundles[name].main,
    vars: varsOf(ctx, name),
    d1Binding: ctx.app.d1Binding,
    persistDir,
    port,
    migrationsDir: seed ? ctx.app.migrationsDir : undefined,
    seedCount: ctx.seedCount,
  };
}

/** For bindings a bare config can't give: timed from workerd's own start (noted by a wrapper). */
function coldStartUnderMiniflare(ctx: BenchContext, name: Name, port: number, dir: string) {
  const stamp = join(dir, "workerd-started-at");
  return {
    how: "workerd started by Miniflare with the Worker's bindings, timed from workerd's own start",
    command: process.execPath,
    args: [HOST, JSON.stringify(hostSpec(ctx, name, dir, port, false))],
    env: {
      ...process.env,
      MINIFLARE_WORKERD_PATH: START_TIME_WRAPPER,
      BENCH_WORKERD: ctx.workerdPath,
      BENCH_WORKERD_STARTED_AT: stamp,
    },
    serving: "workerd",
    startedAt: () => {
      try {
        return Number(readFileSync(stamp, "utf8").trim()) / 1e6;
      } catch {
        return undefined;
      }
    },
  };
}

function miniflareD1Target(name: Name): Target {
  return {
    name,
    runtime: (ctx) =>
      `workerd ${ctx.workerdVersion} through Miniflare's API with the bindings of its wrangler.toml (D1 emulated in a SQLite Durable Object); requests on the Worker's own socket; bundle from wrangler deploy --dry-run`,
    nodeVersion: () => undefined,
    async start(ctx) {
      const port = await freePort();
      const spec = hostSpec(ctx, name, join(ctx.workDir, name), port, true);
      const group = start(process.execPath, [HOST, JSON.stringify(spec)], {
        core: ctx.cores.server,
        maxSeconds: ctx.maxSeconds,
      });
      const url = await readyUrl(group);
      // Miniflare's Node process only relays workerd's log lines now: keep it off the server core.
      const host = findInTree(group.pid, "node");
      if (host !== undefined && ctx.cores.load !== undefined) {
        await runToEnd("taskset", ["-a", "-p", "-c", String(ctx.cores.load), String(host)], {
          maxSeconds: 10,
        });
      }
      const running: RunningTarget = {
        url,
        group,
        servingPid: () => findInTree(group.pid, "workerd"),
        stop: () => group.stop(),
      };
      return running;
    },
    coldStart(ctx, port, dir) {
      try {
        const config = writeBundleConfig({
          dir,
          name,
          port,
          bundle: ctx.bundles[name].main,
          workerOptions: ctx.bundles[name].workerOptions,
          vars: varsOf(ctx, name),
        });
        return {
          how: "the bundle on bare workerd (workerd serve) with its vars and Durable Objects; D1 on a stub, since /hello never queries",
          command: ctx.workerdPath,
          args: ["serve", config],
          serving: "workerd",
        };
      } catch {
        return coldStartUnderMiniflare(ctx, name, port, dir);
      }
    },
  };
}

export const nimbus = miniflareD1Target("nimbus");
export const honoDrizzle = miniflareD1Target("hono-drizzle");
/** hono-drizzle plus Nimbus's default security headers and request log line, done in the open. */
export const honoDrizzleDefaults = miniflareD1Target("hono-drizzle-defaults");
