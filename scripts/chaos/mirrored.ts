/**
 * The mirrored database's long chaos run (the short one is `npx vitest run mirrored`): rounds of
 * creates through the app in workerd while the leader's node is killed -9, then brought back; at
 * the end every node must hold identical content. Bounded: --rounds and a hard --max-seconds.
 *   node scripts/chaos/mirrored.ts [--rounds 5] [--max-seconds 600] [--out bench/results/mirrored-chaos.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { convergedChecksum } from "../../test/chaos/support/mirrored.ts";
import { mirroredFailover, startBenchCluster } from "../bench/data/mirrored.ts";
import { bundle } from "../lib/bundle-worker.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    "max-seconds": { type: "string", default: "600" },
    out: { type: "string", default: "bench/results/mirrored-chaos.json" },
  },
});
const rounds = Number(values.rounds);
const maxSeconds = Number(values["max-seconds"]);
const say = (text: string) => process.stderr.write(`mirrored chaos: ${text}\n`);

const work = mkdtempSync(join(tmpdir(), "nimbus-chaos-mirrored-"));
const loadAverage = loadavg().map((v) => Math.round(v * 100) / 100);
const cluster = await startBenchCluster(join(work, "db"), join(ROOT, "migrations"), 200);
const bound = setTimeout(() => {
  say(`still running after ${maxSeconds} s: stopping`);
  cluster.stop().finally(() => process.exit(2));
}, maxSeconds * 1000);
try {
  const entry = join(ROOT, "scripts/bench/data/worker/entry.ts");
  const context = {
    bundle: await bundle(entry, work, "entry"),
    workDir: work,
    migrationsDir: join(ROOT, "migrations"),
    compatibilityDate: "2026-11-01",
  };
  say(
    `${rounds} rounds: 4 clients create through workerd, the leader's node is killed -9, then restarted`,
  );
  const result = await mirroredFailover(context, cluster, rounds);
  for (const [i, round] of result.rounds.entries()) {
    say(
      `round ${i + 1}: stall ${round.stall_ms} ms, ${round.acknowledged} acknowledged, ${round.failed} failed, ${round.lost} acknowledged but missing`,
    );
  }
  const content = await convergedChecksum(cluster.nodes, 30_000);
  const lost = result.rounds.reduce((sum, r) => sum + r.lost, 0);
  say(
    `all ${cluster.nodes.length} nodes identical (${JSON.stringify(content.rows)}), integrity ${content.integrity.join(",")}; stall p50 ${result.stall.p50_ms} ms, max ${result.stall.max_ms} ms; ${lost} acknowledged creates missing`,
  );
  writeFileSync(
    resolve(ROOT, values.out as string),
    `${JSON.stringify(
      {
        command: `node scripts/chaos/mirrored.ts ${process.argv.slice(2).join(" ")}`.trim(),
        date: new Date().toISOString(),
        load_average: loadAverage,
        ...result,
        identical_nodes: true,
        integrity: content.integrity,
        rows: content.rows,
      },
      null,
      2,
    )}\n`,
  );
  if (lost > 0 || content.integrity.join() !== "ok") process.exitCode = 1;
} finally {
  clearTimeout(bound);
  await cluster.stop();
  rmSync(work, { recursive: true, force: true });
}
