/**
 * Scale-out benchmark: the demo's list page through one HAProxy gateway with 1, 2, 4 and 8 workerd
 * nodes, every node capped to the same CPU share (cgroup v1 cpu.cfs_quota_us), the database, the
 * gateway and the load generator (wrk) each in their own capped cgroup. Reports
 * throughput(N) / (N × throughput(1)), p50/p99 and the bottleneck at each N; uncached pages (a
 * request with Authorization is never served from the shared cache) and cached ones.
 *
 *   npm run build && node scripts/bench/scale-out/run.ts [--nodes 1,2,4,8] [--node-quota 10]
 *     [--duration 10] [--connections-per-node 4] [--out bench/results]
 *
 * Needs root, a cgroup v1 cpu hierarchy, wrk and haproxy. Bounded: every run has a fixed
 * duration, and the cluster is stopped (only the pids it recorded) whatever happens.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  clusterDown,
  clusterUp,
  type Progress,
  startNode,
  workerdPidOf,
} from "../../../src/node/cluster/local/cluster.ts";
import type { ClusterState } from "../../../src/node/cluster/local/state.ts";
import { CpuCgroup, cpuCgroupsAvailable } from "../../lib/cpu-cgroup.ts";
import { describeMachine } from "../lib/machine.ts";
import { cpuTicks, processTree, TICKS_PER_SECOND } from "../lib/proc.ts";
import { parseWrk } from "../lib/wrk.ts";
import { scaleOutChart } from "./chart.ts";

const ROOT = join(import.meta.dirname, "../../..");
const CLI = [process.execPath, join(ROOT, "dist/cli/main.js")];

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "1,2,4,8" },
    "node-quota": { type: "string", default: "10" },
    "db-quota": { type: "string", default: "40" },
    "gateway-quota": { type: "string", default: "30" },
    "wrk-quota": { type: "string", default: "30" },
    duration: { type: "string", default: "10" },
    "connections-per-node": { type: "string", default: "4" },
    seed: { type: "string", default: "30" },
    out: { type: "string", default: join(ROOT, "bench/results") },
  },
});

const nodeCounts = flags.nodes.split(",").map(Number);
const quota = {
  node: Number(flags["node-quota"]),
  db: Number(flags["db-quota"]),
  gateway: Number(flags["gateway-quota"]),
  wrk: Number(flags["wrk-quota"]),
};
const durationS = Number(flags.duration);
const say = (line: string) => process.stdout.write(`${line}\n`);
const progress: Progress = {
  async step(label, work) {
    say(`… ${label}`);
    return work();
  },
  say,
};

interface Sample {
  ticks: number;
  throttled: number;
}

/** CPU of a set of processes (ticks) and how often their cgroup held them back. */
function sample(pids: number[], cgroups: CpuCgroup[]): Sample {
  return {
    ticks: pids.flatMap((pid) => processTree(pid)).reduce((sum, pid) => sum + cpuTicks(pid), 0),
    throttled: cgroups.reduce((sum, g) => sum + g.throttled(), 0),
  };
}

/** Share of its cap a component used over `seconds`: 1 = at its quota. */
function utilisation(before: Sample, after: Sample, seconds: number, quotaPercent: number): number {
  const cores = (after.ticks - before.ticks) / TICKS_PER_SECOND / seconds;
  return cores / (quotaPercent / 100);
}

function runWrk(
  url: string,
  connections: number,
  headers: string[],
  cgroup: CpuCgroup,
): Promise<{ report: string; ticks: number }> {
  return new Promise((resolve, reject) => {
    const args = ["-t1", `-c${connections}`, `-d${durationS}s`, "--latency", "--timeout", "10s"];
    for (const header of headers) args.push("-H", header);
    const child = spawn("wrk", [...args, url], { stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid) cgroup.add(child.pid);
    // wrk's own CPU: read while it runs (a process's ticks are gone once it exits).
    let ticks = 0;
    const poll = setInterval(() => {
      if (child.pid) ticks = Math.max(ticks, cpuTicks(child.pid));
    }, 250);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), (durationS + 30) * 1000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ report: out, ticks });
    });
  });
}

async function seedLinks(gateway: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${gateway}/links`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({
        title: `Scale-out link ${i}`,
        url: `https://example.com/scale-out/${i}`,
        description: "A link the benchmark's list page shows.",
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`seeding answered ${res.status}`);
  }
}

interface Row {
  variant: "uncached" | "cached";
  nodes: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  efficiency: number;
  errors: number;
  connections: number;
  /** Share of each component's CPU cap used during the run (1 = at the cap). */
  utilisation: { nodes: number; database: number; gateway: number; wrk: number };
  /** Share of the nodes' scheduling periods in which the cap held them back. */
  node_throttled_periods: number;
  bottleneck: string;
}

function bottleneck(u: Row["utilisation"]): string {
  const named: [string, number][] = [
    ["node CPU", u.nodes],
    ["database", u.database],
    ["gateway", u.gateway],
    ["load generator", u.wrk],
  ];
  const [name, value] = named.sort((a, b) => b[1] - a[1])[0] as [string, number];
  return value >= 0.8
    ? `${name} (${Math.round(value * 100)}% of its cap)`
    : `none at its cap (highest: ${name} ${Math.round(value * 100)}%): the machine or latency`;
}

async function main(): Promise<void> {
  if (!cpuCgroupsAvailable())
    throw new Error("needs root and a cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu");
  const dir = mkdtempSync(join(tmpdir(), "nimbus-scale-out-"));
  const tag = `nimbus-scale-out-${process.pid}`;
  const groups = {
    db: CpuCgroup.create(`${tag}-db`, quota.db),
    gateway: CpuCgroup.create(`${tag}-gateway`, quota.gateway),
    wrk: CpuCgroup.create(`${tag}-wrk`, quota.wrk),
    services: CpuCgroup.create(`${tag}-services`, quota.db),
  };
  const nodeGroups: CpuCgroup[] = [];
  const started = Date.now();
  const rows: Row[] = [];
  let state: ClusterState | undefined;
  try {
    state = await clusterUp({
      root: ROOT,
      dir,
      migrationsDir: join(ROOT, "migrations"),
      cli: CLI,
      progress,
      nodes: 1,
    });
    const gateway = state.gateways[0]?.url as string;
    groups.db.add(state.database.pid);
    for (const g of state.gateways) groups.gateway.add(g.pid);
    // The coordination host (votes, rate limits) gets a share of its own, like the database.
    for (const service of state.services)
      for (const pid of processTree(service.pid)) groups.services.add(pid);
    await seedLinks(gateway, Number(flags.seed));
    const capNode = (index: number) => {
      const node = (state as ClusterState).nodes[index];
      const pid = node && workerdPidOf(node);
      if (!node || !pid) throw new Error(`node ${index + 1} has no workerd process`);
      const group = CpuCgroup.create(`${tag}-${node.name}`, quota.node);
      group.add(node.pid);
      group.add(pid);
      nodeGroups.push(group);
    };
    capNode(0);
    for (const n of nodeCounts) {
      while (state.nodes.length < n) {
        await startNode(state, { cli: CLI, progress });
        capNode(state.nodes.length - 1);
      }
      const connections = Math.max(4, n * Number(flags["connections-per-node"]));
      for (const variant of ["uncached", "cached"] as const) {
        const headers = variant === "uncached" ? ["Authorization: Bearer scale-out-bench"] : [];
        // Warm-up: JIT, connections, the cache filled.
        await runWrkShort(gateway, connections, headers, groups.wrk);
        const nodePids = state.nodes.map((node) => node.pid);
        const before = {
          nodes: sample(nodePids, nodeGroups),
          db: sample([state.database.pid], []),
          gateway: sample(
            state.gateways.map((g) => g.pid),
            [],
          ),
        };
        const t0 = performance.now();
        const { report, ticks: wrkTicks } = await runWrk(
          `${gateway}/links`,
          connections,
          headers,
          groups.wrk,
        );
        const seconds = (performance.now() - t0) / 1000;
        const result = parseWrk(report);
        const after = {
          nodes: sample(nodePids, nodeGroups),
          db: sample([state.database.pid], []),
          gateway: sample(
            state.gateways.map((g) => g.pid),
            [],
          ),
        };
        const u = {
          nodes: utilisation(before.nodes, after.nodes, seconds, quota.node * n),
          database: utilisation(before.db, after.db, seconds, quota.db),
          gateway: utilisation(before.gateway, after.gateway, seconds, quota.gateway),
          wrk: wrkTicks / TICKS_PER_SECOND / seconds / (quota.wrk / 100),
        };
        const base = rows.find((r) => r.variant === variant && r.nodes === nodeCounts[0]);
        const one = base ? base.rps / (base.nodes as number) : result.rps / n;
        const row: Row = {
          variant,
          nodes: n,
          rps: Math.round(result.rps),
          p50_ms: Number(result.p50_ms.toFixed(2)),
          p99_ms: Number(result.p99_ms.toFixed(2)),
          efficiency: Number((result.rps / (n * one)).toFixed(3)),
          errors: result.errors,
          connections,
          utilisation: {
            nodes: Number(u.nodes.toFixed(2)),
            database: Number(u.database.toFixed(2)),
            gateway: Number(u.gateway.toFixed(2)),
            wrk: Number(u.wrk.toFixed(2)),
          },
          node_throttled_periods: after.nodes.throttled - before.nodes.throttled,
          bottleneck: bottleneck(u),
        };
        rows.push(row);
        say(
          `${variant.padEnd(8)} ${String(n).padStart(2)} node(s): ${row.rps} req/s, p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, ` +
            `efficiency ${row.efficiency}, errors ${row.errors}; bottleneck ${row.bottleneck}`,
        );
      }
    }
  } finally {
    await clusterDown(dir, progress).catch((error) => say(`cluster down: ${error}`));
    for (const group of [...nodeGroups, ...Object.values(groups)]) {
      try {
        group.remove();
      } catch (error) {
        say(`could not remove ${group.path}: ${error}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  writeResults(rows, (Date.now() - started) / 1000);
}

async function runWrkShort(url: string, connections: number, headers: string[], group: CpuCgroup) {
  await new Promise<void>((resolve, reject) => {
    const args = ["-t1", `-c${connections}`, "-d2s"];
    for (const header of headers) args.push("-H", header);
    const child = spawn("wrk", [...args, `${url}/links`], { stdio: "ignore" });
    if (child.pid) group.add(child.pid);
    child.on("error", reject);
    child.on("close", () => resolve());
  });
}

function writeResults(rows: Row[], wallTimeS: number): void {
  const command = `node scripts/bench/scale-out/run.ts ${process.argv.slice(2).join(" ")}`.trim();
  const machine = describeMachine(ROOT, process.execPath, "workerd");
  const uncached = rows.filter((r) => r.variant === "uncached");
  const cached = rows.filter((r) => r.variant === "cached");
  const results = {
    header: {
      command,
      date: new Date().toISOString(),
      wall_time_s: Math.round(wallTimeS),
      machine,
      cpu_caps_percent_of_one_core: quota,
      duration_s: durationS,
      page: "GET /links (the demo's list page) through one HAProxy gateway",
      note: "rows: uncached (requests carry Authorization, which the cache never shares); cached_rows: anonymous requests served from nimbus/cache",
    },
    rows: uncached,
    cached_rows: cached,
  };
  const json = join(flags.out, "scale-out.json");
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const table = (list: Row[]) =>
    [
      "| nodes | req/s | p50 ms | p99 ms | efficiency | errors | CPU used / cap: nodes, database, gateway, wrk | bottleneck |",
      "|---:|---:|---:|---:|---:|---:|---|---|",
      ...list.map(
        (r) =>
          `| ${r.nodes} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.efficiency} | ${r.errors} | ${[r.utilisation.nodes, r.utilisation.database, r.utilisation.gateway, r.utilisation.wrk].map((u) => `${Math.round(u * 100)}%`).join(", ")} | ${r.bottleneck} |`,
      ),
    ].join("\n");
  const md = `# Scale-out: the demo's list page on 1-${nodeCounts.at(-1)} workerd nodes behind HAProxy

Command: \`npm run build && ${command}\` (${new Date().toISOString()}, ${machine.nproc} cores, ${Math.round(wallTimeS)} s).

Every app node (workerd + its supervisor) is capped to ${quota.node}% of one core with a cgroup v1
\`cpu.cfs_quota_us\` folder, so 8 nodes fit on this ${machine.nproc}-core machine; the libSQL server gets
${quota.db}%, the coordination host ${quota.db}%, HAProxy ${quota.gateway}% and wrk ${quota.wrk}%. Efficiency = throughput(N) / (N × throughput(1)).
The bottleneck is the component closest to its CPU cap during the run. The machine is shared with
other work (load average ${machine.load_average_at_start} when this run started), so caps are ceilings,
not guarantees. p99 includes CFS throttling: a node that spent its 10 ms of a 100 ms period waits for
the next one, which is what a CPU-capped node does under more load than it can take.

## Uncached (every request renders the page and queries the database)

${table(uncached)}

## Cached (anonymous requests served by nimbus/cache)

${table(cached)}
`;
  writeFileSync(join(flags.out, "scale-out.md"), md);
  writeFileSync(join(flags.out, "scale-out.svg"), scaleOutChart(results));
  say(`Wrote ${json}, scale-out.md and scale-out.svg`);
}

await main();
