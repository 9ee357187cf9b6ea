/**
 * Throughput of the local libSQL server under a mixed workload: point reads and single-row
 * updates through @libsql/client, a fixed number of requests in flight, for a fixed time.
 * The server runs in its own process (scripts/libsql-server.ts), as it would in production;
 * the load comes from --clients worker threads (one @libsql/client each), so that the client
 * side is not the bottleneck.
 *   node scripts/bench/libsql-server.ts [--duration 10] [--concurrency 32] [--clients cpus-1]
 *        [--read-ratio 0.8] [--synchronous FULL,NORMAL] [--out bench/results/libsql-server.json]
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createClient } from "@libsql/client";

type Load = { url: string; concurrency: number; deadline: number; readRatio: number; rows: number };
type Measured = { reads: number[]; writes: number[]; errors: number };

/** One client: `concurrency` requests in flight until `deadline` (a Date.now() time). */
async function load({ url, concurrency, deadline, readRatio, rows }: Load): Promise<Measured> {
  const client = createClient({ url, concurrency });
  const measured: Measured = { reads: [], writes: [], errors: 0 };
  const loop = async () => {
    while (Date.now() < deadline) {
      const id = 1 + Math.floor(Math.random() * rows);
      const isRead = Math.random() < readRatio;
      const t0 = performance.now();
      try {
        if (isRead) await client.execute({ sql: "SELECT v, n FROM kv WHERE id = ?", args: [id] });
        else await client.execute({ sql: "UPDATE kv SET n = n + 1 WHERE id = ?", args: [id] });
        (isRead ? measured.reads : measured.writes).push(performance.now() - t0);
      } catch {
        measured.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  client.close();
  return measured;
}

if (!isMainThread) {
  parentPort?.postMessage(await load(workerData as Load));
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    clients: { type: "string", default: String(Math.max(1, Math.min(4, cpus().length - 1))) },
    "read-ratio": { type: "string", default: "0.8" },
    rows: { type: "string", default: "10000" },
    synchronous: { type: "string", default: "FULL,NORMAL" },
    out: { type: "string", default: "bench/results/libsql-server.json" },
  },
});
const durationS = Number(values.duration);
const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
const concurrency = Number(values.concurrency);
const clients = Math.max(1, Math.min(Number(values.clients), concurrency));
const readRatio = Number(values["read-ratio"]);
const rows = Number(values.rows);
const root = join(import.meta.dirname, "../..");

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return Math.round((sorted[i] ?? 0) * 100) / 100;
}

function summary(latencies: number[]) {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
  };
}

async function startServer(file: string, synchronous: string) {
  const proc = spawn(
    process.execPath,
    [
      join(root, "scripts/libsql-server.ts"),
      "--port",
      "0",
      "--file",
      file,
      "--synchronous",
      synchronous,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, stop: () => new Promise((r) => proc.once("exit", r).kill("SIGTERM")) };
}

async function run(synchronous: string) {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-bench-libsql-"));
  const server = await startServer(join(dir, "bench.db"), synchronous);
  const client = createClient({ url: server.url, concurrency });
  try {
    await client.execute(
      "CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER NOT NULL)",
    );
    for (let start = 1; start <= rows; start += 500) {
      const batch = [];
      for (let id = start; id < Math.min(start + 500, rows + 1); id++) {
        batch.push({ sql: "INSERT INTO kv VALUES (?, ?, 0)", args: [id, `value-${id}`] });
      }
      await client.batch(batch, "write");
    }
    const deadline = Date.now() + durationS * 1000;
    const started = performance.now();
    const parts = await Promise.all(
      Array.from({ length: clients }, (_, i) => {
        const share = Math.floor(concurrency / clients) + (i < concurrency % clients ? 1 : 0);
        const data: Load = { url: server.url, concurrency: share, deadline, readRatio, rows };
        const worker = new Worker(new URL(import.meta.url), { workerData: data });
        return new Promise<Measured>((ok, fail) => {
          worker.once("message", ok);
          worker.once("error", fail);
        });
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const reads = parts.flatMap((p) => p.reads);
    const writes = parts.flatMap((p) => p.writes);
    const errors = parts.reduce((n, p) => n + p.errors, 0);
    const updated = await client.execute("SELECT sum(n) AS s FROM kv");
    const ops = reads.length + writes.length;
    return {
      synchronous,
      ops,
      ops_per_s: Math.round(ops / elapsedS),
      reads_per_s: Math.round(reads.length / elapsedS),
      writes_per_s: Math.round(writes.length / elapsedS),
      errors,
      writes_applied: Number(updated.rows[0]?.s),
      read_latency: summary(reads),
      write_latency: summary(writes),
    };
  } finally {
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const mode of values.synchronous.split(",")) {
  process.stderr.write(
    `libsql-server bench: synchronous=${mode}, ${durationS}s, ${concurrency} in flight from ${clients} clients\n`,
  );
  const result = await run(mode.trim().toUpperCase());
  process.stderr.write(`  ${JSON.stringify(result)}\n`);
  results.push(result);
}

const report = {
  benchmark: "libsql-server mixed workload",
  command: `node scripts/bench/libsql-server.ts ${process.argv.slice(2).join(" ")}`.trim(),
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  load_average_at_start: loadAtStart,
  workload: {
    duration_s: durationS,
    concurrency,
    client_threads: clients,
    read_ratio: readRatio,
    rows,
    read: "SELECT v, n FROM kv WHERE id = ? (random id)",
    write: "UPDATE kv SET n = n + 1 WHERE id = ? (random id, autocommit)",
    client: "@libsql/client over http://, one HTTP request per statement, in worker threads",
    server: "scripts/libsql-server.ts in its own process, database in os.tmpdir()",
  },
  results,
};
const out = resolve(root, values.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
