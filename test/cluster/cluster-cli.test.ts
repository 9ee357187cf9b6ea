/**
 * `nimbus cluster` as a user runs it: up (2 nodes) → the gateway address, status, traffic on both
 * nodes; then chaos test 3 under steady mixed load: add-node takes traffic with no errors,
 * remove-node drains with no errors; every acknowledged create is stored; down stops every process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { isAlive, stopGroup } from "../../src/node/cluster/local/processes.ts";
import { readState } from "../../src/node/cluster/local/state.ts";
import { missingFrom, nimbus } from "./support/cli.ts";
import { sleep, startMixedLoad } from "./support/mixed-load.ts";

const dir = mkdtempSync(join(tmpdir(), "nimbus-cluster-cli-"));
const cluster = ["--dir", dir];

afterAll(async () => {
  // Whatever a failed test left running: only the pids this cluster recorded.
  const state = readState(dir);
  if (state)
    for (const p of [...state.nodes, ...state.gateways, ...state.services, state.database])
      await stopGroup(p.pid, "SIGKILL", 0);
  rmSync(dir, { recursive: true, force: true });
});

it("up serves the demo through the gateway on both nodes; add-node and remove-node under load lose nothing; down stops it all", async () => {
  const up = await nimbus(["cluster", "up", "--nodes", "2", ...cluster]);
  const gateway = /Gateway gw-1: (http:\/\/[\d.:]+)/.exec(up)?.[1] as string;
  expect(gateway, up).toMatch(/^http:\/\//);

  const status = await nimbus(["cluster", "status", ...cluster]);
  expect(status.split("\n").filter((line) => /^node-\d+\s+gw-1\s+up\s/.test(line))).toHaveLength(2);

  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const res = await fetch(`${gateway}/links`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    seen.add(res.headers.get("x-nimbus-node") ?? "?");
  }
  expect([...seen].sort()).toEqual(["node-1", "node-2"]);

  const load = startMixedLoad(gateway, { prefix: "cli" });
  await sleep(1500);
  const added = performance.now();
  await nimbus(["cluster", "add-node", ...cluster]);
  const addMs = performance.now() - added;
  load.resetByNode();
  await sleep(2000);
  const afterAdd = { ...load.result.byNode };
  expect(afterAdd["node-3"] ?? 0).toBeGreaterThan(0);

  const removing = performance.now();
  await nimbus(["cluster", "remove-node", "--name", "node-1", ...cluster]);
  const removeMs = performance.now() - removing;
  load.resetByNode();
  await sleep(1500);
  const afterRemove = { ...load.result.byNode };
  const result = await load.stop();
  console.log(
    `chaos 3 (add/remove a node under load): ${result.reads} reads, ${result.acknowledged.length} creates acknowledged; ` +
      `add-node took ${(addMs / 1000).toFixed(1)} s, then per node ${JSON.stringify(afterAdd)}; ` +
      `remove-node (drain) took ${(removeMs / 1000).toFixed(1)} s, then ${JSON.stringify(afterRemove)}; ` +
      `failed reads ${result.failedReads.length}, failed creates ${result.failedWrites.length}`,
  );
  expect(afterRemove["node-1"] ?? 0).toBe(0);
  expect(result.failedReads).toEqual([]);
  expect(result.failedWrites, result.writeErrors.join("\n")).toEqual([]);
  const state = readState(dir);
  expect(state?.nodes.map((n) => n.name).sort()).toEqual(["node-2", "node-3"]);
  expect(await missingFrom(state?.database.url as string, result.acknowledged)).toEqual([]);

  const pids = [...(state?.nodes ?? []), ...(state?.gateways ?? []), state?.database].map(
    (p) => p?.pid as number,
  );
  await nimbus(["cluster", "down", ...cluster]);
  expect(pids.filter(isAlive)).toEqual([]);
  expect(readState(dir)).toBeUndefined();
});
