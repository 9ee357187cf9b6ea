/**
 * A V8 CPU profile of one bench target under wrk load, through workerd's inspector: where each
 * request's CPU goes, function by function.
 *   node scripts/bench/profile.ts [--target nimbus|hono-drizzle|hono-drizzle-defaults] [--path /hello] [--seconds 10]
 *     [--header 'Name: value'] [--out DIR]
 * Bundles the working tree as the bench does (run `npm run build` first for nimbus), serves it
 * through Miniflare with the inspector open (the server pinned to core 0, wrk on core 1), profiles
 * while wrk loads the path, writes DIR/<target>-<path>.cpuprofile (open it in Chrome's DevTools)
 * and prints the heaviest functions by self time and by total time.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import type { HostSpec } from "./hosts/miniflare-host.ts";
import { readAppConfig } from "./lib/app-config.ts";
import { buildBundle } from "./lib/bundle.ts";
import { freePort } from "./lib/http.ts";
import { runToEnd, start, stopAll, stopAllOnExit } from "./lib/processes.ts";
import { readyUrl } from "./targets/miniflare-d1.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const HOST = join(import.meta.dirname, "hosts/miniflare-host.ts");

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One inspector session: numbered commands, answers matched by id. */
async function inspector(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
    title?: string;
    id?: string;
  }[];
  // Miniflare names the bench's Worker "app" (hosts/miniflare-host.ts).
  const target = targets.find((t) => `${t.title ?? t.id}`.endsWith("core:user:app"));
  if (!target)
    throw new Error(`no app worker among the inspector's targets: ${JSON.stringify(targets)}`);
  const url = target.webSocketDebuggerUrl.startsWith("ws")
    ? target.webSocketDebuggerUrl
    : `ws://127.0.0.1:${port}/${target.id}`;
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => {
    ws.once("open", ok);
    ws.once("error", fail);
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    title: target.title ?? target.id,
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = next++;
      return new Promise<T>((ok) => {
        waiting.set(id, ok as (result: unknown) => void);
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

/** Self and total sample time per function (name, file, line), heaviest first. */
function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const file = f.url.split("/").pop() || "(native)";
    return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    // Each function on the stack once, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const name = label(n);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + us);
    }
  }
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs]
    .filter(([id]) => /\(idle\)|\(program\)/.test(byId.get(id)?.callFrame.functionName ?? ""))
    .reduce((a, [, us]) => a + us, 0);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { all, idle, self: sorted(self), total: sorted(total) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: "string", default: "nimbus" },
      path: { type: "string", default: "/hello" },
      seconds: { type: "string", default: "10" },
      header: { type: "string", multiple: true, default: [] },
      out: { type: "string", default: join(ROOT, "bench/profiles") },
      top: { type: "string", default: "40" },
    },
  });
  const target = values.target as "nimbus" | "hono-drizzle" | "hono-drizzle-defaults";
  const seconds = Number(values.seconds);
  const workDir = mkdtempSync(join(tmpdir(), "nimbus-profile-"));
  stopAllOnExit();
  try {
    const config =
      target === "nimbus"
        ? join(ROOT, "wrangler.toml")
        : join(
            import.meta.dirname,
            target === "hono-drizzle"
              ? "peers/hono-drizzle/wrangler.toml"
              : "peers/hono-drizzle/wrangler-defaults.toml",
          );
    // Unminified: the profile names functions and lines (minifying changes names, not work).
    const bundle = await buildBundle(ROOT, join(workDir, "dist"), config, ["--no-minify"]);
    const app = await readAppConfig(ROOT);
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const workerOptionsFile = join(workDir, "worker-options.json");
    writeFileSync(workerOptionsFile, JSON.stringify(bundle.workerOptions));
    const spec: HostSpec = {
      workerOptionsFile,
      bundle: bundle.main,
      vars: target === "nimbus" ? app.productionVars : {},
      d1Binding: app.d1Binding,
      persistDir: join(workDir, "persist"),
      port,
      migrationsDir: app.migrationsDir,
      seedCount: 1000,
      inspectorPort,
    };
    const host = start(process.execPath, [HOST, JSON.stringify(spec)], {
      core: 0,
      maxSeconds: 600,
    });
    const url = await readyUrl(host);
    const headers = (values.header as string[]).flatMap((h) => ["-H", h]);
    const wrk = (s: number) =>
      runToEnd(
        "taskset",
        ["-c", "1", "wrk", "-t1", "-c50", `-d${s}s`, ...headers, `${url}${values.path}`],
        { maxSeconds: s + 30 },
      );
    await wrk(3);
    const session = await inspector(inspectorPort);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 200 });
    await session.send("Profiler.start");
    const report = await wrk(seconds);
    const { profile } = await session.send<{ profile: Profile }>("Profiler.stop");
    session.close();
    const requests = Number(/(\d+) requests in/.exec(report)?.[1] ?? 0);
    const file = join(
      values.out as string,
      `${target}${(values.path as string).replace(/[^\w]+/g, "-")}.cpuprofile`,
    );
    await runToEnd("mkdir", ["-p", values.out as string], { maxSeconds: 10 });
    writeFileSync(file, JSON.stringify(profile));
    const { all, idle, self, total } = summarize(profile);
    const top = Number(values.top);
    const perReq = (us: number) => (requests ? (us / requests).toFixed(2) : "?");
    console.log(`${session.title}: ${requests} requests; ${file}`);
    console.log(
      `sampled ${(all / 1e3).toFixed(0)} ms, idle/program ${(idle / 1e3).toFixed(0)} ms; µs per request: busy ${perReq(all - idle)}`,
    );
    console.log("\nself µs/req  function");
    for (const [name, us] of self.slice(0, top)) console.log(`${perReq(us).padStart(10)}  ${name}`);
    console.log("\ntotal µs/req  function");
    for (const [name, us] of total.slice(0, top))
      console.log(`${perReq(us).padStart(11)}  ${name}`);
  } finally {
    await stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
