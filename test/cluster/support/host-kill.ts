/**
 * Chaos 4, shared by the test (one kill) and scripts/chaos/coord-host.ts (several): a stream of
 * counter increments through every app node while the coordination host is SIGKILLed and its
 * supervisor starts it again on the same storage. Afterwards every acknowledged increment must
 * be in the total.
 */
import { kill9Pid } from "../../chaos/support/processes.ts";
import type { CoordCluster } from "./coord-cluster.ts";

export interface HostKillFigures {
  /** Increments answered 200: each one's total must be kept. */
  acknowledged: number;
  /** Increments that failed (503 while the host was away, or a lost connection). */
  failed: number;
  /** Status codes of the failed ones (0: no answer at all). */
  failedStatuses: Record<string, number>;
  /** The counter afterwards. */
  total: number;
  /** The highest total an acknowledged increment returned. */
  highestAcknowledged: number;
  /** Acknowledged totals that appeared twice (must be none). */
  duplicateTotals: number;
  /** Per kill: SIGKILL until the host answered its health check again. */
  restartMs: number[];
  /** Per kill: SIGKILL until the first increment issued after it was acknowledged. */
  takeoverMs: number[];
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Streams increments of `counter` through all nodes, kills the host `kills` times, returns the figures. */
export async function killHostUnderIncrements(
  cluster: CoordCluster,
  counter: string,
  { kills = 1, concurrency = 6, before = 150, gapMs = 1_000 } = {},
): Promise<HostKillFigures> {
  const acknowledgedTotals: number[] = [];
  const failedStatuses: Record<string, number> = {};
  let failed = 0;
  let running = true;
  let killedAt = 0;
  let firstAckAfterKill = 0;
  let next = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const node = cluster.nodes[next++ % cluster.nodes.length];
      const startedAt = Date.now();
      let status = 0;
      try {
        const res = await fetch(`${node?.url}/count/${counter}`, { method: "POST" });
        status = res.status;
        if (res.ok) {
          const { value } = (await res.json()) as { value: number };
          acknowledgedTotals.push(value);
          if (killedAt && startedAt >= killedAt && !firstAckAfterKill)
            firstAckAfterKill = Date.now();
          continue;
        }
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      failed++;
      failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
      await sleep(20);
    }
  });
  const untilAcks = async (n: number) => {
    const target = acknowledgedTotals.length + n;
    const deadline = Date.now() + 30_000;
    while (acknowledgedTotals.length < target) {
      if (Date.now() > deadline)
        throw new Error(`increments stalled at ${acknowledgedTotals.length}`);
      await sleep(10);
    }
  };
  const restartMs: number[] = [];
  const takeoverMs: number[] = [];
  try {
    await untilAcks(before);
    for (let k = 0; k < kills; k++) {
      const victim = cluster.host.current;
      firstAckAfterKill = 0;
      killedAt = Date.now();
      await kill9Pid(victim.pid);
      const deadline = Date.now() + 30_000;
      while (cluster.host.current === victim || !firstAckAfterKill) {
        if (Date.now() > deadline)
          throw new Error("the coordination host did not come back within 30 s");
        if (cluster.host.current !== victim && restartMs.length === k) {
          restartMs.push(Date.now() - killedAt);
        }
        await sleep(5);
      }
      if (restartMs.length === k) restartMs.push(Date.now() - killedAt);
      takeoverMs.push(firstAckAfterKill - killedAt);
      await untilAcks(before);
      if (k < kills - 1) await sleep(gapMs);
    }
  } finally {
    running = false;
    await Promise.all(loops);
  }
  const res = await fetch(`${cluster.nodes[0]?.url}/count/${counter}`);
  const { value: total } = (await res.json()) as { value: number };
  return {
    acknowledged: acknowledgedTotals.length,
    failed,
    failedStatuses,
    total,
    highestAcknowledged: Math.max(0, ...acknowledgedTotals),
    duplicateTotals: acknowledgedTotals.length - new Set(acknowledgedTotals).size,
    restartMs,
    takeoverMs,
  };
}
