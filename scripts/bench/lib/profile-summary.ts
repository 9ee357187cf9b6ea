// Where a V8 CPU profile's time went, function by function: self time (the function on top of
// the sampled stack) and total time (anywhere on it), for the bench's profile scripts.

/** A function as the profile names it. */
export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, as V8 writes them. */
  lineNumber: number;
  columnNumber: number;
}

/** One node of the profile's call tree. */
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

/** A .cpuprofile: the call tree, and per sample its node and the µs since the sample before. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SummaryOptions {
  /** The name a function's time is summed under (frames with the same label add up). */
  label(frame: CallFrame): string;
  /** The name a file's self time is summed under. */
  file?(frame: CallFrame): string;
  /**
   * The time a sample stands for: `sinceLast`, the µs since the sample before (timeDeltas[i]);
   * `untilNext`, the µs until the next one (timeDeltas[i + 1]; the last sample's own delta), as
   * DevTools counts.
   */
  sampleTime: "sinceLast" | "untilNext";
}

/** Sampled µs, in all and by label (`heaviest` sorts a map). */
export interface ProfileSummary {
  /** All sampled time. */
  all: number;
  /** Time in V8's (idle) and (program) entries: the isolate waiting, not running JS. */
  idle: number;
  self: Map<string, number>;
  /** Each function counted once per sample, however deep it recurses. */
  total: Map<string, number>;
  /** Self time per `file` (empty without one). */
  perFile: Map<string, number>;
}

/** Sums the profile's sample time per function and per file. */
export function summarizeProfile(profile: CpuProfile, options: SummaryOptions): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  const summary: ProfileSummary = {
    all: 0,
    idle: 0,
    self: new Map(),
    total: new Map(),
    perFile: new Map(),
  };
  profile.samples.forEach((id, i) => {
    const deltas = profile.timeDeltas;
    const us = (options.sampleTime === "untilNext" ? (deltas[i + 1] ?? deltas[i]) : deltas[i]) ?? 0;
    summary.all += us;
    const node = byId.get(id);
    if (!node) return;
    if (/\(idle\)|\(program\)/.test(node.callFrame.functionName)) summary.idle += us;
    add(summary.self, options.label(node.callFrame), us);
    if (options.file) add(summary.perFile, options.file(node.callFrame), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const name = options.label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      add(summary.total, name, us);
    }
  });
  return summary;
}

/** The entries of `times`, heaviest first (ties in the order they were first sampled). */
export function heaviest(times: Map<string, number>): [string, number][] {
  return [...times].sort((a, b) => b[1] - a[1]);
}
