/**
 * Nimbus's data-layer benchmark: read latency through primary and replica, write latency, replica
 * lag under a write load, mixed-workload throughput through the router, the page scenario on
 * one workerd process through each database path, request latency through workerd for the single
 * server, the replica path and the mirrored database, and the mirrored failover stall.
 * Writes bench/results/data-layer.{json,md}.
 *   node scripts/bench/data/run.ts [--duration 8] [--samples 1000] [--connections 50] [--max-seconds 300] [--quick]
 *   node scripts/bench/data/run.ts --report-only   (the .md again from the .json and the cited results)
 * Bounded: the sampled sections stop early (at a round boundary, n reported) to finish within
 * --max-seconds, and past it everything is stopped and the run fails without writing results.
 * The replica is a second local libSQL server fed by the replica-feed TEST FIXTURE (sqld
 * replication cannot run here), so "replica lag" measures that fixture, not sqld.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startReplicaFeed } from "../../../src/node/libsql-server/replica-feed.ts";
import { bundle } from "../../lib/bundle-worker.ts";
import { stopAll, stopAllOnExit } from "../lib/processes.ts";
import { latencies, mixed, replicaLag } from "./libsql.ts";
import { mirroredFailover, startBenchCluster, workerdLatencies } from "./mirrored.ts";
import { pageScenario } from "./page.ts";
import { type Results, writeReport } from "./report.ts";
import { migrateAndSeed, startServer } from "./servers.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    samples: { type: "string", default: "1000" },
    connections: { type: "string", default: "50" },
    quick: { type: "boolean", default: false },
    "max-seconds": { type: "string", default: "300" },
    out: { type: "string", default: "bench/results/data-layer" },
    "report-only": { type: "boolean", default: false },
  },
});
const quick = values.quick === true;
const durationS = quick ? 3 : Number(values.duration);
const samples = quick ? 200 : Number(values.samples);
const connections = Number(values.connections);
const maxSeconds = Number(values["max-seconds"]);
const t0 = Date.now();
/** Epoch ms at `fraction` of the run's time budget. */
const budget = (fraction: number) => t0 + fraction * maxSeconds * 1000;
const command = `node scripts/bench/data/run.ts ${process.argv.slice(2).join(" ")}`.trim();

/** A results file of another script (cross-referenced in the report), or null if it is not there. */
function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}
const cited = () => ({
  chaos: readJson(resolve(ROOT, "bench/results/mirrored-chaos.json")),
  serverBeforeAfter: readJson(resolve(ROOT, "bench/results/libsql-server-before-after.json")),
});

// --report-only: the Markdown again from the last run's JSON, with the cited files as they are now
// (the chaos script's and the libSQL server's before/after results are made by their own scripts).
if (values["report-only"]) {
  const base = resolve(ROOT, values.out as string);
  writeReport(base, JSON.parse(readFileSync(`${base}.json`, "utf8")) as Results, cited());
  process.stderr.write(`data bench: wrote ${values.out}.md from ${values.out}.json\n`);
  process.exit(0);
}

stopAllOnExit();
const work = mkdtempSync(join(tmpdir(), "nimbus-bench-data-"));
const sections: Record<string, number> = {};
let sectionStart = Date.now();
const step = (text: string) => {
  const now = Date.now();
  process.stderr.write(`data bench (${Math.round((now - t0) / 1000)} s): ${text}\n`);
  sectionStart = now;
};
/** Seconds the section that began with the last `step` took, recorded under `name`. */
const took = (name: string) => {
  sections[name] = Math.round((Date.now() - sectionStart) / 100) / 10;
};
let stopCluster: (() => Promise<void>) | undefined;
const hardStop = setTimeout(() => {
  step(`over --max-seconds ${maxSeconds}: stopping everything, no results written`);
  Promise.allSettled([stopAll(), stopCluster?.()]).finally(() => {
    rmSync(work, { recursive: true, force: true });
    process.exit(2);
  });
}, maxSeconds * 1000);
const started = {
  date: new Date().toISOString(),
  load_average: loadavg().map((v) => Math.round(v * 100) / 100),
};

// Two cores or more: workerd alone on core 0; wrk and the libSQL servers on core 1 (the database
// is its own process, as it would be on its own machine). One core: nothing is pinned.
const cores = cpus().length >= 2 ? { server: 0, load: 1 } : { server: undefined, load: undefined };

try {
  const migrations = join(ROOT, "migrations");
  step("starting the primary and the replica (two libSQL server processes)");
  const primary = await startServer(join(work, "primary.db"), maxSeconds + 30, cores.load);
  const replica = await startServer(join(work, "replica.db"), maxSeconds + 30, cores.load);
  await migrateAndSeed(primary.url, migrations, 1000);
  const feed = startReplicaFeed({ primaryFile: primary.file, replicaFile: replica.file, lagMs: 0 });
  await feed.syncNow();
  const topology = { primaryUrl: primary.url, replicaUrl: replica.url };
  took("setup");

  step(`read and write latency, up to ${samples} reads per path, one at a time`);
  const latency = await latencies(topology, samples, Date.now() + 0.12 * maxSeconds * 1000);
  took("node_latency");
  step("replica lag under a write load (4 writers)");
  const lag = await replicaLag(topology, 4, quick ? 3 : 6);
  took("replica_lag");
  step("mixed workload through the router: primary only, then primary + replica");
  const mixedRuns = [
    await mixed(topology, 0, 32, durationS),
    await mixed(topology, 1, 32, durationS),
  ];
  took("mixed");
  step("bundling the page workers");
  const pageStart = Date.now();
  const bundles = {
    entry: await bundle(join(import.meta.dirname, "worker/entry.ts"), work, "entry"),
    durable: await bundle(join(import.meta.dirname, "worker/durable-entry.ts"), work, "durable"),
  };
  const pageWork = join(work, "page");
  mkdirSync(pageWork, { recursive: true });
  const pages = [];
  for (const path of ["libsql", "libsql-replica", "d1", "durable"] as const) {
    step(`page scenario through ${path}: wrk -c${connections} for ${durationS} s`);
    pages.push(
      await pageScenario(path, {
        workDir: pageWork,
        bundles,
        migrationsDir: migrations,
        seedCount: 1000,
        compatibilityDate: "2026-11-01",
        connections,
        durationS,
        warmupS: quick ? 1 : 2,
        databaseUrl: primary.url,
        replicaUrl: replica.url,
        cores,
      }),
    );
  }
  sections.page = Math.round((Date.now() - pageStart) / 100) / 10;
  step("starting a 3-node mirrored database (dqlite: Raft, majority acknowledgement)");
  const cluster = await startBenchCluster(join(work, "mirrored"), migrations, 1000);
  stopCluster = () => cluster.stop();
  let workerd: Awaited<ReturnType<typeof workerdLatencies>>;
  let failover: Awaited<ReturnType<typeof mirroredFailover>>;
  try {
    const leading = await cluster.leader();
    const leaderUrl = cluster.nodes[leading]?.url ?? "";
    const followerUrl = cluster.nodes[(leading + 1) % cluster.nodes.length]?.url ?? "";
    const context = {
      bundle: bundles.entry,
      workDir: pageWork,
      migrationsDir: migrations,
      compatibilityDate: "2026-11-01",
    };
    took("mirrored_start");
    step(
      `request latency through workerd: up to ${samples} page reads and ${Math.ceil(samples / 3)} creates per path`,
    );
    workerd = await workerdLatencies(
      context,
      [
        {
          name: "single",
          describe: "single libSQL server (one local file, its own process)",
          path: "libsql",
          databaseUrl: primary.url,
        },
        {
          name: "replica",
          describe:
            "single server + replica: reads on the replica (position check), writes on the primary",
          path: "libsql-replica",
          databaseUrl: primary.url,
          replicaUrl: replica.url,
        },
        {
          name: "mirrored (follower's endpoint)",
          describe: "mirrored, 3 dqlite nodes: the app talks to a follower's libSQL endpoint",
          path: "libsql",
          databaseUrl: followerUrl,
        },
        {
          name: "mirrored (leader's endpoint)",
          describe: "mirrored, 3 dqlite nodes: the app talks to the leader's libSQL endpoint",
          path: "libsql",
          databaseUrl: leaderUrl,
        },
      ],
      samples,
      Math.min(Date.now() + 0.2 * maxSeconds * 1000, budget(0.75)),
    );
    took("workerd_latency");
    const rounds = quick ? 1 : 3;
    step(`mirrored failover: the leader's node killed -9 under creates, up to ${rounds} rounds`);
    // A round takes about 15 s: the last one starts early enough to end inside the budget.
    failover = await mirroredFailover(context, cluster, rounds, budget(0.92) - 20_000);
    took("failover");
  } finally {
    await cluster.stop();
  }
  await feed.stop();
  await replica.process.stop();
  await primary.process.stop();

  const results = {
    benchmark: "Nimbus data layer",
    command,
    ...started,
    seconds: Math.round((Date.now() - t0) / 1000),
    sections_s: sections,
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    notes: [
      cores.server === undefined
        ? "Everything on one machine over loopback, nothing pinned: servers, workerd, wrk and the Node client share its core."
        : "Everything on one machine over loopback. Page scenario: workerd (and Miniflare's idle Node host) pinned to core 0; wrk and the libSQL server processes on core 1, so the libSQL path's database work runs off workerd's core (as on its own machine), while D1 and the Durable Object do theirs inside workerd. The Node-side measurements are not pinned.",
      "The replica is a second libSQL server fed by the replica-feed test fixture (snapshot copies every 25 ms), not sqld replication.",
      "Nimbus reads add the position check (one extra SELECT in the same read transaction); Nimbus writes add the position bump (same transaction).",
      "Mirrored: 3 nimbus-dqlite processes (go-dqlite 1.11, Raft over loopback, network latency setting 100 ms: election timeout 1.5 s) each with a libSQL endpoint process; a write is acknowledged once a majority of the 3 holds it. Every write also commits a marker row (exactly-once across leader changes). Its processes are not pinned; the single server and the replica are (core 1, with the replica feed copying snapshots beside them), so compare the workerd latencies with that in mind and with this machine's load average.",
    ],
    latency,
    replica_lag: lag,
    mixed: mixedRuns,
    page: pages,
    workerd_latency: workerd,
    failover,
  };
  writeReport(resolve(ROOT, values.out as string), results, cited());
  step(`wrote ${values.out}.json and .md in ${results.seconds} s`);
} finally {
  clearTimeout(hardStop);
  rmSync(work, { recursive: true, force: true });
}
