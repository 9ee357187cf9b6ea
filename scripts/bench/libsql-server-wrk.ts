/**
 * The libSQL server alone under wrk (C, one core), so that the load generator is not what bounds
 * the figure: @libsql/client in Node costs about as much CPU per request as the server, and on a
 * 2-core machine it caps libsql-server.ts's mixed load. Hrana bodies are what @libsql/client
 * sends for execute() (execute + close, one POST /v2/pipeline).
 * Workloads: `mix` — 80 % point reads (SELECT * FROM links WHERE id = ?) and 20 % single-row
 * updates, synchronous=FULL; `page` — the demo's list query (newest 21 of 1,000 links).
 * With --baseline REV the server of that commit runs too, alternating rounds with this checkout's.
 * The server is pinned to core 0, wrk to core 1; its CPU per request is read from /proc.
 *   node scripts/bench/libsql-server-wrk.ts [--workloads mix,page] [--connections 32]
 *        [--duration 5] [--rounds 3] [--baseline REV]
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "libsql";
import { cpuTicks, TICKS_PER_SECOND } from "./lib/proc.ts";
import { median } from "./lib/stats.ts";
import { runWrk } from "./lib/wrk.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    workloads: { type: "string", default: "mix,page" },
    connections: { type: "string", default: "32" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    baseline: { type: "string" },
  },
});

const PAGE_SQL =
  'select "id", "created_at", "updated_at", "title", "url", "description", "votes" from "links" order by "links"."id" desc limit ?';

const lua = (s: string) => s.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
const SCRIPTS: Record<string, string> = {
  page: `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '${lua(JSON.stringify({ requests: [{ type: "execute", stmt: { sql: PAGE_SQL, args: [{ type: "float", value: 21 }], named_args: [], want_rows: true } }, { type: "close" }] }))}'
`,
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
`,
};

function seed(file: string): void {
  const db = new Database(file);
  db.exec(
    "PRAGMA journal_mode = WAL; CREATE TABLE links (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL UNIQUE, description TEXT, votes INTEGER NOT NULL DEFAULT 0)",
  );
  const insert = db.prepare(
    "INSERT INTO links (created_at, updated_at, title, url, description) VALUES (?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 1; i <= 1000; i++) {
      const t = 1_700_000_000_000 + i * 1000;
      insert.run(
        t,
        t,
        `Link ${i}: a title of ordinary length`,
        `https://example.com/${i}/a/path`,
        i % 2 ? null : `About link ${i}, a description of a sentence or so.`,
      );
    }
  })();
  db.close();
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

const work = mkdtempSync(join(tmpdir(), "nimbus-libsql-wrk-"));
try {
  const trees: { label: string; tree: string }[] = [];
  if (values.baseline) {
    const rev = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", values.baseline])
      .toString()
      .trim();
    const dir = join(work, "baseline");
    mkdirSync(dir);
    trees.push({ label: `baseline ${rev}`, tree: baselineTree(rev, dir) });
  }
  trees.push({ label: "this checkout", tree: ROOT });
  for (const workload of values.workloads.split(",")) {
    const script = join(work, `${workload}.lua`);
    writeFileSync(script, SCRIPTS[workload] ?? "");
    const results = new Map<string, { rps: number; cpu: number }[]>(
      trees.map((t) => [t.label, []]),
    );
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const { label, tree } of round % 2 ? trees : [...trees].reverse()) {
        const file = join(work, `${round}-${label.replace(/\W/g, "")}-${workload}.db`);
        seed(file);
        const server = await serve(tree, file);
        try {
          const run = (durationS: number) =>
            runWrk({
              url: `${server.url}/v2/pipeline`,
              connections: Number(values.connections),
              durationS,
              core: 1,
              script: { path: script, args: [] },
            });
          await run(2);
          const pid = server.pid;
          const before = cpuTicks(pid);
          const result = await run(Number(values.duration));
          const cpu = Math.round(
            ((cpuTicks(pid) - before) * 1e6) / TICKS_PER_SECOND / Math.max(1, result.requests),
          );
          results.get(label)?.push({ rps: result.rps, cpu });
          console.log(
            `${workload} ${label} round ${round}: ${Math.round(result.rps)} req/s, server ${cpu} µs CPU/req, errors ${result.errors}`,
          );
        } finally {
          await server.stop();
        }
      }
    }
    for (const [label, runs] of results) {
      console.log(
        `median ${workload} ${label}: ${Math.round(median(runs.map((r) => r.rps)))} req/s, ${median(runs.map((r) => r.cpu))} µs CPU/req`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
