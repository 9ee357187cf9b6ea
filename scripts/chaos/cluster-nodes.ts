/**
 * Chaos on a local cluster, longer than `npm test`'s short version (test/cluster/chaos.test.ts,
 * cluster-cli.test.ts), bounded: rounds of (1) kill -9 an app node under steady mixed load, then
 * start a replacement; (3) add a node and remove (drain) one under load; (5) kill -9 and restart
 * the database. Prints every round's figures and writes bench/results/cluster-chaos.json.
 *
 *   npm run build && node scripts/chaos/cluster-nodes.ts [--rounds 3] [--nodes 3] [--max-seconds 600]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BACKEND } from "../../src/node/cluster/gateway/haproxy-config.ts";
import { serverStats } from "../../src/node/cluster/gateway/runtime-api.ts";
import {
  clusterDown,
  clusterUp,
  type Progress,
  restartDatabase,
  startNode,
  stopNode,
} from "../../src/node/cluster/local/cluster.ts";
import { stopGroup } from "../../src/node/cluster/local/processes.ts";
import type { ClusterState } from "../../src/node/cluster/local/state.ts";
import { missingFrom } from "../../test/cluster/support/cli.ts";
import { type LoadResult, sleep, startMixedLoad } from "../../test/cluster/support/mixed-load.ts";

const ROOT = join(import.meta.dirname, "../..");
const CLI = [process.execPath, join(ROOT, "dist/cli/main.js")];
const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    nodes: { type: "string", default: "3" },
    "max-seconds": { type: "string", default: "600" },
    out: { type: "string", default: join(ROOT, "bench/results/cluster-chaos.json") },
  },
});
const rounds = Math.min(10, Number(flags.rounds));
const quiet: Progress = { step: (_label, work) => work(), say: () => undefined };
const say = (line: string) => process.stdout.write(`${line}\n`);

function summary(result: LoadResult, missing: string[]) {
  return {
    reads: result.reads,
    failed_reads: result.failedReads.length,
    creates_acknowledged: result.acknowledged.length,
    creates_failed_unacknowledged: result.failedWrites.length,
    acknowledged_missing: missing.length,
  };
}

async function killRound(state: ClusterState, round: number) {
  const load = startMixedLoad(state.gateways[0]?.url as string, { prefix: `kill${round}` });
  await sleep(2000);
  const victim = state.nodes[round % state.nodes.length];
  if (!victim) throw new Error("no node");
  const killedAt = performance.now();
  await stopGroup(victim.pid, "SIGKILL", 0);
  let outMs = Number.NaN;
  while (performance.now() - killedAt < 10_000) {
    const stats = await serverStats(state.gateways[0]?.admin as string, BACKEND);
    if (!stats.find((s) => s.server === victim.name)?.status.startsWith("UP")) {
      outMs = performance.now() - killedAt;
      break;
    }
    await sleep(20);
  }
  await sleep(2000);
  await stopNode(state, victim.name, quiet);
  const joining = performance.now();
  await startNode(state, { cli: CLI, progress: quiet });
  const joinMs = performance.now() - joining;
  await sleep(1000);
  const result = await load.stop();
  const missing = await missingFrom(state.database.url, result.acknowledged);
  return {
    scenario: "kill -9 an app node, start a replacement",
    round,
    node: victim.name,
    out_of_gateway_ms: Math.round(outMs),
    replacement_up_ms: Math.round(joinMs),
    ...summary(result, missing),
  };
}

async function addRemoveRound(state: ClusterState, round: number) {
  const load = startMixedLoad(state.gateways[0]?.url as string, { prefix: `addrm${round}` });
  await sleep(1500);
  const adding = performance.now();
  const added = await startNode(state, { cli: CLI, progress: quiet });
  const addMs = performance.now() - adding;
  load.resetByNode();
  await sleep(2000);
  const servedByNew = load.result.byNode[added.name] ?? 0;
  const leaving = state.nodes[0];
  if (!leaving) throw new Error("no node");
  const draining = performance.now();
  await stopNode(state, leaving.name, quiet);
  const drainMs = performance.now() - draining;
  await sleep(1000);
  const result = await load.stop();
  const missing = await missingFrom(state.database.url, result.acknowledged);
  return {
    scenario: "add a node, then drain and remove one, under load",
    round,
    added: added.name,
    add_ms: Math.round(addMs),
    served_by_new_node_in_2s: servedByNew,
    removed: leaving.name,
    drain_and_remove_ms: Math.round(drainMs),
    ...summary(result, missing),
  };
}

async function databaseRound(state: ClusterState, round: number) {
  const load = startMixedLoad(state.gateways[0]?.url as string, {
    prefix: `db${round}`,
    readers: 2,
    writers: 3,
  });
  await sleep(2000);
  const backMs = await restartDatabase(state, CLI);
  await sleep(3000);
  const result = await load.stop();
  const missing = await missingFrom(state.database.url, result.acknowledged);
  return {
    scenario: "kill -9 and restart the database server",
    round,
    database_back_ms: backMs,
    ...summary(result, missing),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-chaos-nodes-"));
  const bound = setTimeout(() => {
    say(`stopping: over --max-seconds ${flags["max-seconds"]}`);
    void clusterDown(dir, quiet).finally(() => process.exit(1));
  }, Number(flags["max-seconds"]) * 1000);
  const figures: Record<string, unknown>[] = [];
  try {
    const state = await clusterUp({
      root: ROOT,
      dir,
      migrationsDir: join(ROOT, "migrations"),
      cli: CLI,
      progress: quiet,
      nodes: Number(flags.nodes),
    });
    for (let round = 1; round <= rounds; round++) {
      for (const run of [killRound, addRemoveRound, databaseRound]) {
        const figure = await run(state, round);
        figures.push(figure);
        say(JSON.stringify(figure));
      }
    }
  } finally {
    clearTimeout(bound);
    await clusterDown(dir, quiet).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  const failed = figures.filter(
    (f) =>
      f.acknowledged_missing !== 0 ||
      (f.scenario !== "kill -9 and restart the database server" && f.failed_reads !== 0),
  );
  writeFileSync(
    flags.out,
    `${JSON.stringify({ command: `node scripts/chaos/cluster-nodes.ts ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString(), rounds, figures, verdict: failed.length === 0 ? "pass" : "fail" }, null, 2)}\n`,
  );
  say(
    failed.length === 0
      ? "every round: no failed read (node chaos), no lost acknowledged create"
      : `${failed.length} round(s) failed`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

await main();
