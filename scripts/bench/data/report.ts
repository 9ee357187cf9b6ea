/** Writes the data bench's results as JSON and as a Markdown summary beside it. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LagResult, LatencyResult, MixedResult } from "./libsql.ts";
import type { FailoverResult, WorkerdLatencyRow } from "./mirrored.ts";
import type { PageRun } from "./page.ts";
import type { Latency } from "./stats.ts";

export interface Results {
  command: string;
  date: string;
  load_average: number[];
  /** Wall time of the run and of each section. */
  seconds: number;
  sections_s: Record<string, number>;
  node: string;
  cpus: number;
  cpu_model: string;
  notes: string[];
  latency: LatencyResult;
  replica_lag: LagResult;
  mixed: MixedResult[];
  page: PageRun[];
  workerd_latency: WorkerdLatencyRow[];
  failover: FailoverResult;
}

const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const lat = (name: string, l: Latency) => row([name, l.p50_ms, l.p99_ms, l.mean_ms, l.count]);

/** The self-hosting default, from the figures and from what each path can do beyond one process. */
function pick(pages: PageRun[]): string {
  const rps = (path: PageRun["path"]) =>
    Math.round(pages.find((p) => p.path === path)?.wrk.rps ?? Number.NaN);
  const fastest = [...pages].sort((a, b) => b.wrk.rps - a.wrk.rps)[0]?.path;
  return [
    `libSQL (the local libSQL server on one box, sqld/Turso beyond): ${rps("libsql")} req/s here, ${rps("libsql-replica")} with reads on a replica.`,
    `It is the only path several stateless workerd nodes can share, and the only one with replicas when self-hosting.`,
    `D1 through Miniflare (${rps("d1")} req/s) stays the laptop default and Cloudflare's; it is a local emulation, not for serving.`,
    `SQLite inside one Durable Object (${rps("durable")} req/s${fastest === "durable" ? ", the fastest here" : ""}) lives in one workerd process and serializes every request through one object: a single-node option, not a default.`,
  ].join(" ");
}

/** Results files of other scripts that the report cites (null when a file is missing). */
export interface CitedResults {
  /** bench/results/mirrored-chaos.json: `node scripts/chaos/mirrored.ts`. */
  chaos: Record<string, unknown> | null;
  /** bench/results/libsql-server-before-after.json: `node scripts/bench/libsql-server-before-after.ts`. */
  serverBeforeAfter: Record<string, unknown> | null;
}

type Num = number | undefined;
const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
    value,
  );
const num = (value: unknown, ...path: string[]): Num => {
  const v = field(value, ...path);
  return typeof v === "number" ? v : undefined;
};
const text = (value: unknown, ...path: string[]): string => String(field(value, ...path) ?? "?");

/** The headline figures, each with the command that produced it. */
function summary(results: Results, cited: CitedResults): string[] {
  const own = `\`${results.command}\` (load ${results.load_average[0]})`;
  const lines = [
    "## The figures and the commands that made them",
    "",
    row(["figure", "value", "made by"]),
    row(["---", "---", "---"]),
  ];
  for (const w of results.workerd_latency) {
    lines.push(
      row([
        `through workerd, ${w.name}: read p50 / p99, write p50 / p99`,
        `${w.read.p50_ms} / ${w.read.p99_ms} ms, ${w.write.p50_ms} / ${w.write.p99_ms} ms`,
        own,
      ]),
    );
  }
  const f = results.failover;
  const lost = f.rounds.reduce((sum, r) => sum + r.lost, 0);
  lines.push(
    row([
      `mirrored failover stall, leader node killed -9 (${f.rounds.length} rounds)`,
      `p50 ${f.stall.p50_ms} ms, max ${f.stall.max_ms} ms; ${lost} acknowledged creates missing`,
      own,
    ]),
  );
  const chaos = cited.chaos;
  if (chaos) {
    const rounds = (field(chaos, "rounds") as { lost: number }[] | undefined) ?? [];
    const load = field(chaos, "load_average");
    lines.push(
      row([
        `mirrored failover stall, the chaos script (${rounds.length} rounds, every node compared)`,
        `p50 ${num(chaos, "stall", "p50_ms")} ms, max ${num(chaos, "stall", "max_ms")} ms; ${rounds.reduce((sum, r) => sum + r.lost, 0)} missing; nodes identical: ${text(chaos, "identical_nodes")}`,
        `\`${text(chaos, "command")}\` on ${text(chaos, "date")}${Array.isArray(load) ? ` (load ${load[0]})` : ""} → bench/results/mirrored-chaos.json`,
      ]),
    );
  }
  const server = cited.serverBeforeAfter;
  if (server) {
    const load = field(server, "load_average_at_start");
    lines.push(
      row([
        "single libSQL server, mixed workload (80 % point reads, 20 % updates): before → after issue 10",
        `${num(server, "before", "ops_per_s_median")} → ${num(server, "after", "ops_per_s_median")} ops/s (×${num(server, "ratio_after_to_before")}); server CPU ${num(server, "before", "cpu_us_per_op_median")} → ${num(server, "after", "cpu_us_per_op_median")} µs/op`,
        `\`${text(server, "command")}\` on ${text(server, "date")}${Array.isArray(load) ? ` (load ${load[0]})` : ""} → bench/results/libsql-server-before-after.json`,
      ]),
    );
  }
  lines.push(
    "",
    "The single server's before/after throughput is measured by its own side-by-side script (the libSQL server's harness, `scripts/bench/libsql-server.ts`, the one behind the earlier ≈ 1,100 ops/s on a quiet machine); the mixed workload below goes through Nimbus's router with 20-row page reads, so its ops/s are not comparable with that figure.",
    "",
    `This run took ${results.seconds} s (${Object.entries(results.sections_s)
      .map(([name, s]) => `${name} ${s} s`)
      .join(
        ", ",
      )}); the sampled sections stop at a round boundary to stay within \`--max-seconds\`, so read the n columns.`,
    "",
  );
  return lines;
}

export function writeReport(base: string, results: Results, cited: CitedResults): void {
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const { latency, replica_lag: lag } = results;
  const md = [
    "# Nimbus data layer: measurements",
    "",
    `Made by \`${results.command}\` on ${results.date} (Node ${results.node}, ${results.cpus} × ${results.cpu_model}, load average ${results.load_average.join(" / ")} at start).`,
    "",
    ...results.notes.map((note) => `- ${note}`),
    "",
    ...summary(results, cited),
    "## Read latency (20-row page query, one at a time), ms",
    "",
    row(["path", "p50", "p99", "mean", "n"]),
    row(["---", "---:", "---:", "---:", "---:"]),
    lat("bare @libsql/client → primary", latency.read.raw_primary),
    lat("Nimbus router → primary (no replica)", latency.read.nimbus_primary),
    lat("Nimbus router → replica", latency.read.nimbus_replica),
    "",
    "## Write latency (one insert, autocommit), ms",
    "",
    row(["path", "p50", "p99", "mean", "n"]),
    row(["---", "---:", "---:", "---:", "---:"]),
    lat("bare @libsql/client → primary", latency.write.raw_primary),
    lat("Nimbus router → primary (+ position bump)", latency.write.nimbus_primary),
    "",
    `## Replica lag under a write load (${lag.writers} writers, ${lag.writes_per_s} writes/s)`,
    "",
    `From a write's acknowledgement to its position showing on the replica: p50 ${lag.lag.p50_ms} ms, p99 ${lag.lag.p99_ms} ms, max ${lag.lag.max_ms} ms (n = ${lag.lag.count}). This is the replica-feed fixture's lag (poll + snapshot copy), not sqld's.`,
    "",
    "## Mixed workload through the router (80 % page reads, 20 % inserts)",
    "",
    row([
      "replicas",
      "in flight",
      "ops/s",
      "reads/s",
      "writes/s",
      "reads served by replica",
      "read p50/p99 ms",
      "write p50/p99 ms",
      "errors",
    ]),
    row(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...results.mixed.map((m) =>
      row([
        m.replicas,
        m.in_flight,
        m.ops_per_s,
        m.reads_per_s,
        m.writes_per_s,
        `${Math.round(m.served_by_replica * 100)} %`,
        `${m.read.p50_ms} / ${m.read.p99_ms}`,
        `${m.write.p50_ms} / ${m.write.p99_ms}`,
        m.errors,
      ]),
    ),
    "",
    "## Page scenario on one workerd process (GET /links, 20 rows as HTML, wrk)",
    "",
    row([
      "database path",
      "req/s",
      "p50 ms",
      "p99 ms",
      "errors",
      "rows",
      "GET /hello req/s",
      "page / hello",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...results.page.map((p) =>
      row([
        p.describe,
        Math.round(p.wrk.rps),
        p.wrk.p50_ms,
        p.wrk.p99_ms,
        p.wrk.errors + p.hello.errors,
        p.rows_on_page,
        Math.round(p.hello.rps),
        (p.wrk.rps / p.hello.rps).toFixed(2),
      ]),
    ),
    "",
    "GET /hello runs on the same process right after the page run (no database): what the framework and this machine allowed at that moment, so `page / hello` is the database path's share of the cost.",
    "",
    `For scale (from the issue, same machine class): Fastify + better-sqlite3 ≈ 13k req/s, raw workerd + Durable Object SQLite ≈ 3.5k req/s.`,
    "",
    `**Default for self-hosting:** ${pick(results.page)}`,
    "",
    "## Request latency through workerd: single server, replica path, mirrored database",
    "",
    "One request at a time to the link board in one workerd process: a page read (GET /links, JSON, 20 rows) and a create (POST /links). ms.",
    "",
    row(["path", "read p50", "read p99", "write p50", "write p99", "reads / writes", "errors"]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...results.workerd_latency.map((w) =>
      row([
        w.describe,
        w.read.p50_ms,
        w.read.p99_ms,
        w.write.p50_ms,
        w.write.p99_ms,
        `${w.read.count} / ${w.write.count}`,
        w.errors,
      ]),
    ),
    "",
    "## Mirrored failover: the leader's node killed -9 under creates",
    "",
    "4 clients create through workerd (the app on a follower's endpoint); the leader's dqlite member and its endpoint are SIGKILLed; the stall is the longest pause between acknowledged creates after the kill. The node is restarted (it catches up) before the next round.",
    "",
    row(["round", "stall ms", "acknowledged", "failed", "acknowledged but missing"]),
    row(["---:", "---:", "---:", "---:", "---:"]),
    ...results.failover.rounds.map((r, i) =>
      row([i + 1, r.stall_ms, r.acknowledged, r.failed, r.lost]),
    ),
    "",
    `Stall: p50 ${results.failover.stall.p50_ms} ms, max ${results.failover.stall.max_ms} ms over ${results.failover.rounds.length} rounds.`,
    "",
  ].join("\n");
  writeFileSync(`${base}.md`, md);
}
