// The long fuzz run: the property suites of test/worker/fuzz-routes.test.ts (the demo) and
// test/worker/fuzz-scaffold.test.ts (an app the CLI generates at setup) and
// test/worker/fuzz-accounts.test.ts (its `generate authentication` routes) with many inputs.
//   node scripts/fuzz/run.ts [--runs 50000] [--seed 1313] [--out bench/results/fuzz.json]
// `--runs` is per property (the demo's, the scaffold's and the accounts' routes), so 50,000 is
// 150,000 requests. Writes the inputs tried, statuses seen and the first failure (if any) to --out.
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "50000" },
    seed: { type: "string", default: "1313" },
    out: { type: "string", default: "bench/results/fuzz.json" },
  },
});

const started = Date.now();
const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
const child = spawn(
  process.execPath,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--project",
    "worker",
    "test/worker/fuzz-routes.test.ts",
    "test/worker/fuzz-scaffold.test.ts",
    "test/worker/fuzz-accounts.test.ts",
  ],
  {
    env: {
      ...process.env,
      NIMBUS_FUZZ_RUNS: values.runs,
      NIMBUS_FUZZ_SEED: values.seed,
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  },
);
let output = "";
interface Tally {
  inputs: number;
  byStatus: Record<string, number>;
  writesByStatus?: Record<string, number>;
}
const latest: Record<string, Tally> = {};
const onData = (chunk: Buffer) => {
  const text = chunk.toString();
  output += text;
  for (const line of text.split("\n")) {
    const match = /\{"(?:progress|fuzz)":"(\w+)".*\}/.exec(line);
    if (!match?.[1]) continue;
    const { inputs, byStatus, writesByStatus } = JSON.parse(match[0]) as Tally;
    latest[match[1]] = { inputs, byStatus, writesByStatus };
    process.stdout.write(`${match[1]}: ${inputs} inputs\n`);
  }
};
child.stdout.on("data", onData);
child.stderr.on("data", onData);
const code: number = await new Promise((done) => child.on("exit", (c) => done(c ?? 1)));

const failure = /AssertionError[\s\S]{0,3000}/.exec(output)?.[0] ?? null;
// Vitest's own verdicts (a test that timed out fails without an assertion).
const verdicts = output
  .split("\n")
  .filter((line) => /(FAIL|✓|×|Test Files|Tests |timed out)/.test(line))
  .map((line) => line.trim())
  .slice(0, 40);
const inputs = Object.values(latest).reduce((sum, t) => sum + t.inputs, 0);
const result = {
  command: `node scripts/fuzz/run.ts --runs ${values.runs} --seed ${values.seed}`,
  commit: execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim(),
  loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
  // Each property stops at its first failure (fast-check's endOnFailure): 0 or 1 per target.
  failuresFound: failure === null && code === 0 ? 0 : 1,
  date: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  inputs,
  byTarget: latest,
  passed: code === 0,
  failure,
  verdicts,
};
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ ...result, failure: failure?.slice(0, 1500) }, null, 2));
process.exit(code);
