/**
 * Chaos test 4, the long run: a coordination host and two app nodes (real workerd processes on
 * loopback) take a steady stream of counter increments through both nodes while the host is
 * SIGKILLed `--kills` times; its supervisor starts it again on the same local-disk storage. After
 * each run every acknowledged increment must be in the total. Figures are printed and written to
 * bench/results/coord-host-kill.json. Bounded by --max-seconds.
 *   npx node scripts/chaos/coord-host.ts [--kills 5] [--concurrency 6] [--max-seconds 180]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CoordCluster, startCoordCluster } from "../../test/cluster/support/coord-cluster.ts";
import { killHostUnderIncrements } from "../../test/cluster/support/host-kill.ts";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "5" },
    concurrency: { type: "string", default: "6" },
    "max-seconds": { type: "string", default: "180" },
    out: {
      type: "string",
      default: join(import.meta.dirname, "../../bench/results/coord-host-kill.json"),
    },
  },
});
const kills = Number(values.kills);
const concurrency = Number(values.concurrency);

let cluster: CoordCluster | undefined;
// Bounded: whatever happens, the processes go away and the run ends.
const timer = setTimeout(async () => {
  console.error("coord-host chaos: --max-seconds reached; stopping.");
  await cluster?.stop();
  process.exit(1);
}, Number(values["max-seconds"]) * 1000);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await cluster?.stop();
    process.exit(130);
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

try {
  cluster = await startCoordCluster(2);
  const figures = await killHostUnderIncrements(cluster, "chaos-long", {
    kills,
    concurrency,
    before: 200,
  });
  const lost = Math.max(0, figures.highestAcknowledged - figures.total);
  const ok = lost === 0 && figures.duplicateTotals === 0 && figures.total >= figures.acknowledged;
  const result = {
    command: `npx node scripts/chaos/coord-host.ts --kills ${kills} --concurrency ${concurrency}`,
    date: new Date().toISOString(),
    nodes: 2,
    kills,
    ...figures,
    lostAcknowledged: lost,
    takeoverMsP50: percentile(figures.takeoverMs, 50),
    takeoverMsMax: Math.max(...figures.takeoverMs),
    restartMsP50: percentile(figures.restartMs, 50),
    verdict: ok ? "every acknowledged increment kept" : "LOST OR DOUBLED INCREMENTS",
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(values.out as string, `${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = ok ? 0 : 1;
} finally {
  clearTimeout(timer);
  await cluster?.stop();
}
