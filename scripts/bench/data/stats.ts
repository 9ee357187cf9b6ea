/** Latency summaries: nearest-rank percentiles, in milliseconds, rounded to 0.01. */

export interface Latency {
  count: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
}

const r2 = (value: number) => Math.round(value * 100) / 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    p50_ms: r2(percentile(sorted, 50)),
    p99_ms: r2(percentile(sorted, 99)),
    mean_ms: r2(mean),
  };
}

/** Runs `fn` `count` times one after another and returns each call's duration. */
export async function timeEach(
  count: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}
