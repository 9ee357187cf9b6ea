/**
 * An interleaved A/B of demo commits against the hand-written peers on the Miniflare D1 path, for
 * a machine too busy for separate `npm run bench --ref` runs to be compared: every ref and peer is
 * started once (all on core 0; wrk on core 1), then short runs alternate between them, round
 * after round, so the machine's drift hits each alike. Prints each run, then per host the median
 * workerd CPU µs per request and req/s, and the median of the per-round ratios against each peer
 * (peer CPU / host CPU: ≥ 1 means cheaper than the peer), over all rounds and over the quiet ones
 * (other processes took at most --quiet of the server core in both runs of the pair).
 *   node scripts/bench/refs-ab.ts --refs 909a82e,worktree [--peers hono-drizzle-defaults,hono-drizzle]
 *        [--scenario create] [--rounds 6] [--duration 4] [--warmup 3] [--out FILE.json]
 * A ref is exported and built as `npm run bench -- --ref` does ("worktree": this checkout's files).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { HostSpec } from "./hosts/miniflare-host.ts";
import { readAppConfig } from "./lib/app-config.ts";
import { buildBundle } from "./lib/bundle.ts";
import { freePort } from "./lib/http.ts";
import { D1_PEER_CONFIGS } from "./lib/peer-configs.ts";
import { coreTicks, cpuTicks, findInTree, TICKS_PER_SECOND } from "./lib/proc.ts";
import { runToEnd, start, stopAll, stopAllOnExit } from "./lib/processes.ts";
import { demoSource } from "./lib/source.ts";
import { median } from "./lib/stats.ts";
import { runWrk } from "./lib/wrk.ts";
import { SCENARIOS } from "./scenarios.ts";
import { readyUrl } from "./targets/miniflare-d1.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const HOST = join(import.meta.dirname, "hosts/miniflare-host.ts");

const { values } = parseArgs({
  options: {
    refs: { type: "string", default: "worktree" },
    peers: { type: "string", default: "hono-drizzle-defaults" },
    scenario: { type: "string", default: "create" },
    rounds: { type: "string", default: "6" },
    duration: { type: "string", default: "4" },
    warmup: { type: "string", default: "3" },
    out: { type: "string" },
    quiet: { type: "string", default: "0.1" },
  },
});
const scenario = SCENARIOS.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`unknown scenario ${values.scenario}`);

interface Sample {
  round: number;
  rps: number;
  cpu: number;
  foreign: number;
  errors: number;
}
interface Host {
  label: string;
  peer: boolean;
  url: string;
  workerd: number;
  samples: Sample[];
}

async function startHost(
  label: string,
  peer: boolean,
  sourceDir: string,
  config: string,
  dir: string,
) {
  mkdirSync(dir, { recursive: true });
  const bundle = await buildBundle(sourceDir, join(dir, "dist"), config);
  const app = await readAppConfig(sourceDir);
  const workerOptionsFile = join(dir, "worker-options.json");
  writeFileSync(workerOptionsFile, JSON.stringify(bundle.workerOptions));
  const spec: HostSpec = {
    workerOptionsFile,
    bundle: bundle.main,
    vars: peer ? {} : app.productionVars,
    d1Binding: app.d1Binding,
    persistDir: join(dir, "persist"),
    port: await freePort(),
    migrationsDir: app.migrationsDir,
    seedCount: 1000,
  };
  const group = start(process.execPath, [HOST, JSON.stringify(spec)], {
    core: 0,
    maxSeconds: 3600,
  });
  const url = await readyUrl(group);
  // Miniflare's Node process only relays log lines: off the server core, as the bench does.
  const node = findInTree(group.pid, "node");
  if (node !== undefined) {
    await runToEnd("taskset", ["-a", "-p", "-c", "1", String(node)], { maxSeconds: 10 });
  }
  const workerd = findInTree(group.pid, "workerd");
  if (workerd === undefined) throw new Error(`${label}: workerd not found`);
  return { label, peer, url, workerd, samples: [] } satisfies Host;
}

let runs = 0;
function wrk(host: Host, durationS: number) {
  return runWrk({
    url: `${host.url}${scenario?.path}`,
    connections: 50,
    durationS,
    core: 1,
    headers: scenario?.headers,
    script: scenario?.script
      ? { path: scenario.script, args: [`ab${Date.now()}-${runs++}`] }
      : undefined,
  });
}

async function measure(host: Host, round: number): Promise<void> {
  const core = coreTicks(0);
  const before = cpuTicks(host.workerd);
  const result = await wrk(host, Number(values.duration));
  const own = cpuTicks(host.workerd) - before;
  const after = coreTicks(0);
  const total = after.total - core.total;
  const foreign = total > 0 ? Math.max(0, (after.busy - core.busy - own) / total) : 0;
  // A run that finished no request (the core taken by others) says nothing about CPU per request.
  const cpu =
    result.requests > 0 ? Math.round((own * 1e6) / TICKS_PER_SECOND / result.requests) : Number.NaN;
  host.samples.push({ round, rps: result.rps, cpu, foreign, errors: result.errors });
  console.log(
    `round ${round} ${host.label}: ${Math.round(result.rps)} req/s, ${cpu} µs CPU/req, foreign ${Math.round(foreign * 100)} %, errors ${result.errors}`,
  );
}

stopAllOnExit();
const workDir = mkdtempSync(join(tmpdir(), "nimbus-refs-ab-"));
try {
  await runToEnd(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")],
    { maxSeconds: 300 },
  );
  const hosts: Host[] = [];
  for (const [i, ref] of (values.refs as string).split(",").entries()) {
    const dir = join(workDir, `ref${i}`);
    mkdirSync(dir, { recursive: true });
    const source = await demoSource(ROOT, ref, dir);
    const label = ref === "worktree" ? "worktree" : `nimbus@${source.commit.slice(0, 7)}`;
    hosts.push(await startHost(label, false, source.dir, join(source.dir, "wrangler.toml"), dir));
  }
  for (const peer of (values.peers as string).split(",").filter(Boolean)) {
    const config = D1_PEER_CONFIGS[peer];
    if (!config) throw new Error(`unknown peer ${peer}`);
    const dir = join(workDir, peer);
    hosts.push(await startHost(peer, true, ROOT, config, dir));
  }
  for (const host of hosts) await wrk(host, Number(values.warmup));
  const rounds = Number(values.rounds);
  for (let round = 1; round <= rounds; round++) {
    // Each host takes each place in the order in turn.
    const shift = (round - 1) % hosts.length;
    for (const host of [...hosts.slice(shift), ...hosts.slice(0, shift)])
      await measure(host, round);
  }
  const summary = [];
  for (const host of hosts) {
    const ratios: Record<string, number> = {};
    const quietRatios: Record<string, { ratio: number; rounds: number }> = {};
    const quiet = Number(values.quiet);
    const medianOf = (list: number[]) =>
      list.length > 0 ? Math.round(median(list) * 1000) / 1000 : Number.NaN;
    for (const peer of hosts.filter((h) => h.peer && h !== host)) {
      const pairs = host.samples
        .map((s) => [s, peer.samples.find((q) => q.round === s.round)] as const)
        .filter(([s, p]) => p && Number.isFinite(s.cpu) && Number.isFinite(p.cpu));
      ratios[peer.label] = medianOf(pairs.map(([s, p]) => (p as Sample).cpu / s.cpu));
      const calm = pairs.filter(([s, p]) => s.foreign <= quiet && (p as Sample).foreign <= quiet);
      quietRatios[peer.label] = {
        ratio: medianOf(calm.map(([s, p]) => (p as Sample).cpu / s.cpu)),
        rounds: calm.length,
      };
    }
    const measured = host.samples.filter((s) => Number.isFinite(s.cpu));
    const row = {
      host: host.label,
      rps: Math.round(median(measured.map((s) => s.rps))),
      cpu_us: median(measured.map((s) => s.cpu)),
      quiet_cpu_us: median(measured.filter((s) => s.foreign <= quiet).map((s) => s.cpu)),
      max_foreign: Math.max(...host.samples.map((s) => s.foreign)),
      errors: host.samples.reduce((n, s) => n + s.errors, 0),
      peer_cpu_over_host_cpu: ratios,
      quiet_rounds_peer_cpu_over_host_cpu: quietRatios,
      samples: host.samples,
    };
    summary.push(row);
    console.log(
      `median ${row.host}: ${row.rps} req/s, ${row.cpu_us} µs CPU/req (quiet runs ${row.quiet_cpu_us}); by CPU (peer/this, paired by round): ${JSON.stringify(ratios)}; quiet rounds only: ${JSON.stringify(quietRatios)}`,
    );
  }
  if (values.out) {
    writeFileSync(
      values.out,
      JSON.stringify(
        { command: process.argv.slice(2), at: new Date().toISOString(), summary },
        null,
        1,
      ),
    );
  }
} finally {
  await stopAll();
  rmSync(workDir, { recursive: true, force: true });
}
