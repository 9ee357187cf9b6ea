/**
 * A V8 CPU profile of one bench target under wrk load, through workerd's inspector: where each
 * request's CPU goes, function by function.
 *   node scripts/bench/profile.ts [--target nimbus|hono-drizzle|hono-drizzle-defaults] [--path /hello] [--seconds 10]
 *     [--header 'Name: value'] [--scenario create] [--out DIR]
 * --scenario takes the path, wrk script (e.g. create's POST bodies) and headers of a bench
 * scenario (scenarios.ts) instead of --path and --header.
 * Bundles the working tree as the bench does (run `npm run build` first for nimbus), serves it
 * through Miniflare with the inspector open (the server pinned to core 0, wrk on core 1), profiles
 * while wrk loads the path, writes DIR/<target>-<path>.cpuprofile (open it in Chrome's DevTools)
 * and prints the heaviest functions by self time and by total time.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { HostSpec } from "./hosts/miniflare-host.ts";
import { readAppConfig } from "./lib/app-config.ts";
import { buildBundle } from "./lib/bundle.ts";
import { freePort } from "./lib/http.ts";
import { connectProfiler, findTarget } from "./lib/inspector.ts";
import { D1_PEER_CONFIGS } from "./lib/peer-configs.ts";
import { runToEnd, start, stopAll, stopAllOnExit } from "./lib/processes.ts";
import { type CallFrame, heaviest, summarizeProfile } from "./lib/profile-summary.ts";
import { SCENARIOS } from "./scenarios.ts";
import { readyUrl } from "./targets/miniflare-d1.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const HOST = join(import.meta.dirname, "hosts/miniflare-host.ts");

/** Function, file name and line:column, as DevTools shows a frame. */
function label(f: CallFrame): string {
  const file = f.url.split("/").pop() || "(native)";
  return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: "string", default: "nimbus" },
      path: { type: "string", default: "/hello" },
      seconds: { type: "string", default: "10" },
      header: { type: "string", multiple: true, default: [] },
      scenario: { type: "string" },
      out: { type: "string", default: join(ROOT, "bench/profiles") },
      top: { type: "string", default: "40" },
    },
  });
  const target = values.target as string;
  const seconds = Number(values.seconds);
  const scenario = values.scenario ? SCENARIOS.find((s) => s.name === values.scenario) : undefined;
  if (values.scenario && !scenario) throw new Error(`no scenario ${values.scenario}`);
  if (scenario) {
    values.path = scenario.path;
    values.header = Object.entries(scenario.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  }
  // A scripted scenario (create's unique POST bodies) gets its script and a fresh run prefix.
  let runs = 0;
  const script = () =>
    scenario?.script
      ? { pre: ["-s", scenario.script], post: ["--", `profile-${Date.now()}-${runs++}`] }
      : { pre: [], post: [] };
  const workDir = mkdtempSync(join(tmpdir(), "nimbus-profile-"));
  stopAllOnExit();
  try {
    const config = target === "nimbus" ? join(ROOT, "wrangler.toml") : D1_PEER_CONFIGS[target];
    if (!config) throw new Error(`unknown target ${target}`);
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
    const wrk = (s: number) => {
      const { pre, post } = script();
      return runToEnd(
        "taskset",
        [
          "-c",
          "1",
          "wrk",
          "-t1",
          "-c50",
          `-d${s}s`,
          ...pre,
          ...headers,
          `${url}${values.path}`,
          ...post,
        ],
        { maxSeconds: s + 30 },
      );
    };
    await wrk(3);
    // Miniflare names the bench's Worker "app" (hosts/miniflare-host.ts).
    const { target: worker, url: workerUrl } = await findTarget(inspectorPort, (t) =>
      `${t.title ?? t.id}`.endsWith("core:user:app"),
    );
    const profiler = await connectProfiler(workerUrl, 200);
    await profiler.start();
    const report = await wrk(seconds);
    const profile = await profiler.stop();
    profiler.close();
    const requests = Number(/(\d+) requests in/.exec(report)?.[1] ?? 0);
    const file = join(
      values.out as string,
      `${target}${(values.path as string).replace(/[^\w]+/g, "-")}.cpuprofile`,
    );
    await runToEnd("mkdir", ["-p", values.out as string], { maxSeconds: 10 });
    writeFileSync(file, JSON.stringify(profile));
    const { all, idle, self, total } = summarizeProfile(profile, {
      label,
      sampleTime: "sinceLast",
    });
    const top = Number(values.top);
    const perReq = (us: number) => (requests ? (us / requests).toFixed(2) : "?");
    console.log(`${worker.title ?? worker.id}: ${requests} requests; ${file}`);
    console.log(
      `sampled ${(all / 1e3).toFixed(0)} ms, idle/program ${(idle / 1e3).toFixed(0)} ms; µs per request: busy ${perReq(all - idle)}`,
    );
    console.log("\nself µs/req  function");
    for (const [name, us] of heaviest(self).slice(0, top))
      console.log(`${perReq(us).padStart(10)}  ${name}`);
    console.log("\ntotal µs/req  function");
    for (const [name, us] of heaviest(total).slice(0, top))
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
