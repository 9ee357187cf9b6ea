/**
 * Chaos 4: kill -9 the coordination host under a stream of counter increments through two app
 * nodes. Its supervisor starts it again on the same local-disk storage; after that every
 * acknowledged increment is in the total. The longer run is scripts/chaos/coord-host.ts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CoordCluster, startCoordCluster } from "./support/coord-cluster.ts";
import { killHostUnderIncrements } from "./support/host-kill.ts";

let cluster: CoordCluster;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  cluster = await startCoordCluster(2);
});

afterAll(async () => {
  await cluster?.stop();
});

it("every acknowledged increment survives kill -9 of the coordination host", async () => {
  const figures = await killHostUnderIncrements(cluster, "chaos", { kills: 1 });
  console.log(`chaos 4 (coordination host kill -9): ${JSON.stringify(figures)}`);
  expect(cluster.host.restarts).toBe(1);
  // Nothing acknowledged is lost, and nothing is counted twice.
  expect(figures.duplicateTotals).toBe(0);
  expect(figures.total).toBeGreaterThanOrEqual(figures.highestAcknowledged);
  expect(figures.total).toBeGreaterThanOrEqual(figures.acknowledged);
  // Nothing was applied that was not acknowledged: no retried increment counted twice.
  expect(figures.total).toBe(figures.acknowledged + figures.failed);
  // While the host was away, the nodes' calls waited and retried (writes with their call id):
  // no client saw an error.
  expect(figures.failedStatuses).toEqual({});
  expect(figures.takeoverMs[0]).toBeGreaterThan(0);
});

it("cron keeps firing after the host's restart, and no tick runs twice", async () => {
  // The fixture's cron (every 2 s) runs on the host's clock, whose alarm survives the kill.
  const count = async (name: string) => {
    const res = await fetch(`${cluster.nodes[0]?.url}/count/${name}`);
    return ((await res.json()) as { value: number }).value;
  };
  const before = await count("ticks");
  const deadline = Date.now() + 10_000;
  while ((await count("ticks")) < before + 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(await count("ticks")).toBeGreaterThanOrEqual(before + 2);
  const ticks: number[] = [];
  for (let at = Math.floor(startedAt / 2000) * 2000; at <= Date.now(); at += 2000) {
    ticks.push(await count(`tick:${at}`));
  }
  expect(ticks.filter((n) => n > 1)).toEqual([]);
});
