/**
 * The libSQL server's mixed-workload throughput at two commits, side by side: the server code
 * of --baseline (default: 62e4206, before issue 10's work) is extracted into a temporary tree,
 * and scripts/bench/libsql-server.ts (this checkout's harness, the same for both) runs against
 * each in turn, --rounds times alternating, so that drift on the machine hits both alike.
 * Medians go to bench/results/libsql-server-before-after.json.
 *   node scripts/bench/libsql-server-before-after.ts [--baseline REV] [--rounds 3] [--duration 10]
 *        [--rows 10000] (fewer rows: less seeding in the CPU-per-op figure)
 */
import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    baseline: { type: "string", default: "62e4206" },
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    rows: { type: "string", default: "10000" },
    synchronous: { type: "string", default: "FULL" },
    out: { type: "string", default: "bench/results/libsql-server-before-after.json" },
  },
});
const HARNESS = "scripts/bench/libsql-server.ts";
const SERVER_FILES = [
  "src/node/libsql-server",
  "src/nimbus/db/sql-text.ts",
  "scripts/libsql-server.ts",
];

type Run = {
  ops: number;
  ops_per_s: number;
  reads_per_s: number;
  writes_per_s: number;
  errors: number;
  /** Server process CPU per operation over the load phase (the last --duration s), µs. */
  cpu_us_per_op?: number;
};

const TICK_US = 1_000_000 / 100; // USER_HZ

/** CPU time (µs) of the harness's libsql-server child, or null when not found. */
function serverCpuUs(harnessPid: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== harnessPid) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!cmd.includes("libsql-server.ts")) continue;
      return (Number(fields[11]) + Number(fields[12])) * TICK_US;
    } catch {
      // the process ended meanwhile
    }
  }
  return null;
}

/** A tree with the baseline's server and this checkout's harness. */
function baselineTree(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-bench-baseline-"));
  const archive = execFileSync("git", ["-C", root, "archive", rev, ...SERVER_FILES]);
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  mkdirSync(join(dir, dirname(HARNESS)), { recursive: true });
  copyFileSync(join(root, HARNESS), join(dir, HARNESS));
  copyFileSync(join(root, "package.json"), join(dir, "package.json"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

async function runHarness(tree: string, label: string, round: number): Promise<Run> {
  const out = join(tmpdir(), `nimbus-bench-${label}-${process.pid}-${round}.json`);
  const args = [
    join(tree, HARNESS),
    "--duration",
    values.duration,
    "--concurrency",
    values.concurrency,
    "--rows",
    values.rows,
    "--synchronous",
    values.synchronous,
    "--out",
    out,
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
  // The server's CPU over time; the load phase is the last --duration seconds it ran.
  const samples: { t: number; cpu: number }[] = [];
  const poll = setInterval(() => {
    const cpu = child.pid === undefined ? null : serverCpuUs(child.pid);
    if (cpu !== null) samples.push({ t: Date.now(), cpu });
  }, 100);
  const status = await new Promise<number | null>((ok) => child.once("exit", ok));
  clearInterval(poll);
  if (status !== 0) throw new Error(`${label} run ${round} failed (${status})`);
  const report = JSON.parse(readFileSync(out, "utf8")) as { results: Run[] };
  rmSync(out, { force: true });
  const run = report.results[0] as Run;
  const last = samples.at(-1) ?? { t: 0, cpu: 0 };
  const windowStart = last.t - Number(values.duration) * 1000;
  const first = samples.find((x) => x.t >= windowStart) ?? last;
  run.cpu_us_per_op = Math.round((last.cpu - first.cpu) / run.ops);
  process.stderr.write(
    `before/after: ${label} round ${round}: ${run.ops_per_s} ops/s, ${run.cpu_us_per_op} µs CPU/op\n`,
  );
  return run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
const baseline = baselineTree(values.baseline);
const current = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"]).toString().trim();
const runs: Record<"before" | "after", Run[]> = { before: [], after: [] };
try {
  for (let round = 1; round <= Number(values.rounds); round++) {
    const order: ("before" | "after")[] = round % 2 ? ["before", "after"] : ["after", "before"];
    for (const label of order) {
      runs[label].push(await runHarness(label === "before" ? baseline : root, label, round));
    }
  }
} finally {
  rmSync(baseline, { recursive: true, force: true });
}
const summarize = (list: Run[]) => ({
  ops_per_s_median: median(list.map((r) => r.ops_per_s)),
  reads_per_s_median: median(list.map((r) => r.reads_per_s)),
  writes_per_s_median: median(list.map((r) => r.writes_per_s)),
  cpu_us_per_op_median: median(list.map((r) => r.cpu_us_per_op ?? 0)),
  errors: list.reduce((n, r) => n + r.errors, 0),
  runs: list.map((r) => r.ops_per_s),
});
const before = summarize(runs.before);
const after = summarize(runs.after);
const report = {
  benchmark: "libsql-server mixed workload, before/after side by side",
  command:
    `node scripts/bench/libsql-server-before-after.ts ${process.argv.slice(2).join(" ")}`.trim(),
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  load_average_at_start: loadAtStart,
  harness: `${HARNESS} (80 % point reads, 20 % single-row updates, @libsql/client over http)`,
  synchronous: values.synchronous,
  rows: Number(values.rows),
  duration_s: Number(values.duration),
  before: { commit: values.baseline, ...before },
  after: { commit: current, ...after },
  ratio_after_to_before: Math.round((after.ops_per_s_median / before.ops_per_s_median) * 100) / 100,
  cpu_ratio_after_to_before:
    Math.round((after.cpu_us_per_op_median / before.cpu_us_per_op_median) * 100) / 100,
  note: "CPU per op (server process, over the load phase: its last --duration seconds, sampled every 100 ms from /proc) is the figure to trust on a busy machine (see scripts/bench/README.md)",
};
const out = resolve(root, values.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`wrote ${out}\n${JSON.stringify(report, null, 2)}\n`);
