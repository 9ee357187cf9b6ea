// A node's cold start: from spawning a fresh process to its first 200 on /hello.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, Target } from "../targets/target.ts";
import { freePort, waitFor200 } from "./http.ts";
import { findInTree, residentBytes } from "./proc.ts";
import { start } from "./processes.ts";
import { median, round } from "./stats.ts";

export interface ColdStart {
  how: string;
  median_ms: number;
  samples_ms: number[];
  /** Memory of the serving process right after its first answer. */
  idle_rss_mb: number | null;
}

const MB = 1024 * 1024;

export async function measureColdStart(
  ctx: BenchContext,
  target: Target,
  samples: number,
): Promise<ColdStart> {
  const times: number[] = [];
  let how = "";
  const memory: number[] = [];
  for (let i = 0; i < samples; i++) {
    const dir = join(ctx.workDir, "cold-start", target.name, String(i));
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const cold = target.coldStart(ctx, port, dir);
    how = cold.how;
    const since = performance.now();
    const p = start(cold.command, cold.args, {
      core: ctx.cores.server,
      maxSeconds: 60,
      logFile: join(dir, "output.log"),
      env: cold.env,
    });
    try {
      const elapsed = await waitFor200(`http://127.0.0.1:${port}/hello`, {
        since,
        intervalMs: 1,
        timeoutMs: 30_000,
        gone: () => p.child.exitCode !== null,
      });
      const spawnedAt = performance.timeOrigin + since;
      const startedAt = cold.startedAt?.() ?? spawnedAt;
      times.push(spawnedAt + elapsed - startedAt);
      const pid = findInTree(p.pid, cold.serving);
      const rss = pid === undefined ? undefined : residentBytes(pid);
      if (rss !== undefined) memory.push(rss);
    } finally {
      await p.stop();
    }
  }
  return {
    how,
    median_ms: round(median(times)),
    samples_ms: times.map((t) => round(t)),
    idle_rss_mb: memory.length > 0 ? round(median(memory) / MB) : null,
  };
}
