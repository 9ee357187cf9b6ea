/**
 * Chaos test 2, the long run: for each gateway mode, `--rounds` times, a fresh cluster in network
 * namespaces (client, two HAProxy gateways, an app machine with two workerd nodes and libSQL)
 * takes steady mixed load; the serving gateway's link goes down; the figures are printed and
 * written to bench/results/gateway-failover.json. Bounded by --max-seconds; needs root.
 *   node scripts/chaos/gateway-failover.ts [--rounds 3] [--load-seconds 6] [--rate 100] [--max-seconds 300]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type FailoverFigures,
  failoverFigures,
} from "../../test/cluster/support/failover-figures.ts";
import {
  addressHolder,
  type GatewayLab,
  type GatewayMode,
  startGatewayLab,
} from "../../test/cluster/support/gateway-lab.ts";
import { canUseNamespaces } from "../../test/cluster/support/netns.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    "load-seconds": { type: "string", default: "6" },
    "max-seconds": { type: "string", default: "300" },
    rate: { type: "string", default: "100" },
    modes: { type: "string", default: "vrrp,active-active" },
    faults: { type: "string", default: "link-down,kill-haproxy" },
    out: {
      type: "string",
      default: join(import.meta.dirname, "../../bench/results/gateway-failover.json"),
    },
  },
});
const rounds = Number(values.rounds);
const loadMs = Number(values["load-seconds"]) * 1000;
const rate = Number(values.rate);
const deadline = Date.now() + Number(values["max-seconds"]) * 1000;

if (!canUseNamespaces()) {
  console.error("gateway-failover: needs root (ip netns); nothing was run.");
  process.exit(2);
}

let current: GatewayLab | undefined;
// Bounded: whatever happens, the lab goes away and the run ends.
const timer = setTimeout(async () => {
  console.error("gateway-failover: --max-seconds reached; stopping.");
  await current?.lab.cleanup();
  process.exit(1);
}, deadline - Date.now());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await current?.lab.cleanup();
    process.exit(130);
  });
}

type Fault = "link-down" | "kill-haproxy";
const faults = values.faults
  .split(",")
  .filter((f): f is Fault => f === "link-down" || f === "kill-haproxy");

type Row = Omit<FailoverFigures, "acknowledgedCreates" | "failuresOutsideFault"> & {
  mode: GatewayMode;
  fault: Fault;
  round: number;
  lostAcknowledgedCreates: number;
};

async function round(mode: GatewayMode, fault: Fault, n: number): Promise<Row> {
  const lab = await startGatewayLab(mode);
  current = lab;
  try {
    const victim = mode === "vrrp" ? addressHolder(lab) : lab.gateways[0];
    if (!victim) throw new Error("no gateway holds the virtual address");
    const load = await lab.startLoad({ rate });
    await new Promise((resolve) => setTimeout(resolve, loadMs / 2));
    // The machine drops off the network, or its HAProxy dies (kill -9) and keepalived notices.
    await load.mark();
    if (fault === "link-down") lab.lab.linkDown(victim.machine);
    else {
      // The fault lasts until the process is gone (its listening socket closed).
      const gone = new Promise((resolve) => victim.haproxy.once("exit", resolve));
      victim.haproxy.kill("SIGKILL");
      await gone;
    }
    await load.mark();
    await new Promise((resolve) => setTimeout(resolve, loadMs / 2));
    const figures = failoverFigures(await load.stop());
    const { default: Database } = await import("libsql");
    const db = new Database(lab.databaseFile, { readonly: true });
    const urls = new Set(db.prepare("SELECT url FROM links").pluck().all() as string[]);
    db.close();
    const lost = figures.acknowledgedCreates.filter(
      (tag) => !urls.has(`https://example.com/${tag}`),
    );
    const { acknowledgedCreates, failuresOutsideFault, ...shown } = figures;
    const row: Row = { mode, fault, round: n, ...shown, lostAcknowledgedCreates: lost.length };
    console.log(JSON.stringify(row));
    for (const r of failuresOutsideFault)
      console.log(
        `  failed outside the fault (fault between ${figures.faultMs.join(" and ")} ms): ${JSON.stringify(r)}`,
      );
    return row;
  } finally {
    await lab.lab.cleanup();
    current = undefined;
  }
}

const rows: Row[] = [];
const modes = values.modes
  .split(",")
  .filter((m): m is GatewayMode => m === "vrrp" || m === "active-active");
for (const fault of faults)
  for (const mode of modes)
    for (let n = 1; n <= rounds; n++) rows.push(await round(mode, fault, n));
clearTimeout(timer);

const summary = faults.flatMap((fault) =>
  modes.map((mode) => {
    const of = rows.filter((r) => r.mode === mode && r.fault === fault);
    const gaps = of.map((r) => r.gapMs).sort((a, b) => a - b);
    return {
      mode,
      fault,
      rounds: of.length,
      gapMs: { min: gaps[0], median: gaps[Math.floor(gaps.length / 2)], max: gaps.at(-1) },
      failed: of.reduce((s, r) => s + r.failed, 0),
      inFlightAtFault: of.reduce((s, r) => s + r.inFlightAtFault, 0),
      failedOutsideFault: of.reduce((s, r) => s + r.failedOutsideFault, 0),
      lostAcknowledgedCreates: of.reduce((s, r) => s + r.lostAcknowledgedCreates, 0),
    };
  }),
);
const command = `node scripts/chaos/gateway-failover.ts ${process.argv.slice(2).join(" ")}`.trim();
writeFileSync(
  values.out,
  `${JSON.stringify({ command, date: new Date().toISOString(), faults: { "link-down": "the serving gateway's link goes down", "kill-haproxy": "kill -9 of the serving gateway's HAProxy" }, summary, rows }, null, 2)}\n`,
);
console.log(JSON.stringify(summary, null, 2));
console.log(`written to ${values.out}`);
const bad = summary.some((s) => s.failedOutsideFault > 0 || s.lostAcknowledgedCreates > 0);
process.exit(bad ? 1 : 0);
