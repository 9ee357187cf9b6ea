/**
 * Puts one scenario's rows from a partial run into a full results file, beside the rows already
 * there (a full run takes a quiet machine and a quarter of an hour; one scenario does not):
 *
 *   npm run bench -- --scenarios page,cached --targets nimbus,fastify --out /tmp/cached-run
 *   node scripts/bench/merge.ts --from /tmp/cached-run/latest.json --into bench/results/latest.json --scenarios cached
 *
 * Rows of the named scenarios are replaced; the other rows stay as they were. The partial run's
 * command and date are recorded in the header's `merged` list, and latest.md/.svg are rewritten.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { chartSvg } from "./output/chart-svg.ts";
import { markdown } from "./output/markdown.ts";
import { type Results, ratios } from "./output/results.ts";
import type { ScenarioName } from "./scenarios.ts";

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    into: { type: "string" },
    scenarios: { type: "string" },
    // Only these targets' rows (default: every target of the named scenarios).
    targets: { type: "string" },
  },
});
if (!values.from || !values.into || !values.scenarios) {
  console.error(
    "usage: node scripts/bench/merge.ts --from RUN.json --into latest.json --scenarios a,b",
  );
  process.exit(2);
}
const scenarios = values.scenarios.split(",") as ScenarioName[];
const from = JSON.parse(readFileSync(values.from, "utf8")) as Results;
const into = JSON.parse(readFileSync(values.into, "utf8")) as Results & {
  header: { merged?: unknown[] };
};

const targets = values.targets?.split(",");
const picked = (r: { scenario: ScenarioName; target: string }) =>
  scenarios.includes(r.scenario) && (!targets || targets.includes(r.target));
const taken = from.rows.filter(picked);
if (taken.length === 0) throw new Error(`${values.from} has no rows of ${scenarios.join(", ")}`);
into.rows = [...into.rows.filter((r) => !picked(r)), ...taken];
const names = [...new Set(into.rows.map((r) => r.scenario))];
into.ratios = ratios(into.rows, names);
for (const s of from.header.scenarios.filter((s) => scenarios.includes(s.name as ScenarioName))) {
  into.header.scenarios = [...into.header.scenarios.filter((x) => x.name !== s.name), s];
}
into.header.pending_scenarios = into.header.pending_scenarios.filter(
  (p) => !scenarios.includes(p.name as ScenarioName),
);
if (from.cache) into.cache = from.cache;
into.header.merged = [
  ...(into.header.merged ?? []),
  {
    scenarios,
    ...(targets ? { targets } : {}),
    command: from.header.command,
    date: from.header.date,
    demo: from.header.demo,
    load_average_at_start: from.header.machine.load_average_at_start,
    note: "these rows come from this partial run, not from the full run the header describes",
  },
];
into.warnings = [
  ...into.warnings,
  ...from.warnings.map((w) => `(${scenarios.join(", ")} run, ${from.header.date}) ${w}`),
];

const dir = dirname(values.into);
const s = into.header.settings;
const caption = `${into.header.date.slice(0, 10)} · ${into.header.machine.nproc} cores · wrk -c${s.connections}, ${s.runs}×${s.duration_s} s · server and wrk pinned to separate cores`;
writeFileSync(values.into, `${JSON.stringify(into, null, 2)}\n`);
writeFileSync(join(dir, "latest.md"), markdown(into));
writeFileSync(join(dir, "latest.svg"), chartSvg(into.rows, caption));
console.log(`merged ${taken.length} row(s) of ${scenarios.join(", ")} into ${values.into}`);
