// The cached scenario's second figure: the hit ratio of the list page under a 95/5 read/write mix.
import { join } from "node:path";
import { round } from "./stats.ts";
import { parseWrk, wrkReport } from "./wrk.ts";

const SCRIPT = join(import.meta.dirname, "../wrk/cached-mix.lua");

export interface CacheMix {
  /** Requests per second of the whole mix (reads and writes). */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  duration_s: number;
  reads: number;
  writes: number;
  hits: number;
  stale: number;
  misses: number;
  /** Reads answered for one viewer alone (none expected: wrk sends no cookies). */
  private: number;
  /** Responses that were neither a counted read nor a 201 write. */
  other: number;
  /** (hits + stale) / reads. */
  hit_ratio: number;
  errors: number;
}

export async function measureCacheMix(options: {
  url: string;
  durationS: number;
  connections: number;
  core: number | undefined;
}): Promise<CacheMix> {
  const report = await wrkReport({
    url: `${options.url}/links`,
    connections: options.connections,
    durationS: options.durationS,
    core: options.core,
    script: { path: SCRIPT, args: [`mix-${Date.now()}`] },
  });
  const base = parseWrk(report);
  const line =
    /CACHE hits=(\d+) stale=(\d+) misses=(\d+) private=(\d+) writes=(\d+) other=(\d+)/.exec(report);
  if (!line) throw new Error(`the cached mix printed no CACHE line:\n${report}`);
  const [hits, stale, misses, priv, writes, other] = line.slice(1).map(Number) as number[];
  const reads = (hits ?? 0) + (stale ?? 0) + (misses ?? 0) + (priv ?? 0);
  return {
    rps: base.rps,
    p50_ms: base.p50_ms,
    p99_ms: base.p99_ms,
    duration_s: options.durationS,
    reads,
    writes: writes ?? 0,
    hits: hits ?? 0,
    stale: stale ?? 0,
    misses: misses ?? 0,
    private: priv ?? 0,
    other: other ?? 0,
    hit_ratio: reads === 0 ? 0 : round(((hits ?? 0) + (stale ?? 0)) / reads, 3),
    errors: base.errors,
  };
}
