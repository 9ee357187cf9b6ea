// The load runs: per scenario, a warm-up of every target, then run 1 of every target, run 2 of
// every target, ... so drift on the machine hits all targets alike.
import type { Scenario, ScenarioName } from "../scenarios.ts";
import type { RunningTarget, TargetName } from "../targets/target.ts";
import { coreTicks, cpuTicks, TICKS_PER_SECOND } from "./proc.ts";
import { median, round } from "./stats.ts";
import { runWrk, type WrkResult } from "./wrk.ts";

export interface Sample extends WrkResult {
  /** The serving process's CPU time per request: work done, whatever else ran on the machine. */
  cpu_us_per_req: number | null;
  /** Share of the server core used by processes that are not the target (other users' jobs). */
  foreign_cpu: number | null;
}

export interface Row {
  scenario: ScenarioName;
  target: TargetName;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  runs: number;
  /** Median server CPU per request, in microseconds: the noise-resistant figure. */
  cpu_us_per_req: number | null;
  errors: number;
  max_foreign_cpu: number | null;
  samples: Sample[];
}

export interface MeasurePlan {
  scenarios: Scenario[];
  targets: Map<TargetName, RunningTarget>;
  measures: (scenario: ScenarioName, target: TargetName) => boolean;
  runs: number;
  durationS: number;
  warmupS: number;
  connections: number;
  cores: { server: number | undefined; load: number | undefined };
  log: (line: string) => void;
}

async function once(
  plan: MeasurePlan,
  scenario: Scenario,
  name: TargetName,
  target: RunningTarget,
  durationS: number,
  label: string,
): Promise<Sample> {
  const servingPid = target.servingPid();
  // The serving process and any it depends on per request (a database server on the same core).
  const pids = servingPid === undefined ? [] : [servingPid, ...(target.supportPids?.() ?? [])];
  const ticks = () => pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const core = plan.cores.server;
  const before = core === undefined ? undefined : coreTicks(core);
  const ownBefore = ticks();
  const result = await runWrk({
    url: `${target.url}${scenario.path}`,
    connections: plan.connections,
    durationS,
    core: plan.cores.load,
    script: scenario.script
      ? { path: scenario.script, args: [`${name}-${label}-${Date.now()}`] }
      : undefined,
    headers: scenario.headers,
  });
  const own = servingPid === undefined ? undefined : ticks() - ownBefore;
  let foreign: number | null = null;
  if (core !== undefined && before && own !== undefined) {
    const after = coreTicks(core);
    const total = after.total - before.total;
    foreign = total > 0 ? Math.max(0, (after.busy - before.busy - own) / total) : null;
  }
  const cpu =
    own === undefined || result.requests === 0
      ? null
      : round((own * 1e6) / TICKS_PER_SECOND / result.requests);
  return {
    ...result,
    cpu_us_per_req: cpu,
    foreign_cpu: foreign === null ? null : round(foreign, 2),
  };
}

/** Start each run with a different target, so none always follows the same neighbour. */
function rotated<T>(items: T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function measureAll(plan: MeasurePlan): Promise<Row[]> {
  const rows: Row[] = [];
  const cells = plan.scenarios.flatMap((s) =>
    [...plan.targets.keys()].filter((t) => plan.measures(s.name, t)).map((t) => ({ s, t })),
  );
  const total = cells.length * plan.runs;
  let done = 0;
  for (const scenario of plan.scenarios) {
    const names = [...plan.targets.keys()].filter((t) => plan.measures(scenario.name, t));
    const samples = new Map<TargetName, Sample[]>(names.map((n) => [n, []]));
    for (const name of names) {
      plan.log(`  ${scenario.name}: warming up ${name} (${plan.warmupS} s)`);
      await once(
        plan,
        scenario,
        name,
        plan.targets.get(name) as RunningTarget,
        plan.warmupS,
        "warmup",
      );
    }
    for (let run = 1; run <= plan.runs; run++) {
      for (const name of rotated(names, run - 1)) {
        const sample = await once(
          plan,
          scenario,
          name,
          plan.targets.get(name) as RunningTarget,
          plan.durationS,
          `r${run}`,
        );
        samples.get(name)?.push(sample);
        done++;
        const errors = sample.errors > 0 ? `  ${sample.errors} errors!` : "";
        plan.log(
          `  [${done}/${total}] ${scenario.name} run ${run}/${plan.runs} ${name}: ${round(sample.rps)} req/s, p50 ${round(sample.p50_ms)} ms, p99 ${round(sample.p99_ms)} ms, ${sample.cpu_us_per_req ?? "?"} µs CPU/req${errors}`,
        );
      }
    }
    for (const name of names) {
      const list = samples.get(name) ?? [];
      const foreign = list.map((s) => s.foreign_cpu).filter((f): f is number => f !== null);
      const cpu = list.map((s) => s.cpu_us_per_req).filter((c): c is number => c !== null);
      rows.push({
        scenario: scenario.name,
        target: name,
        rps: round(median(list.map((s) => s.rps))),
        p50_ms: round(median(list.map((s) => s.p50_ms))),
        p99_ms: round(median(list.map((s) => s.p99_ms))),
        runs: list.length,
        cpu_us_per_req: cpu.length > 0 ? round(median(cpu)) : null,
        errors: list.reduce((sum, s) => sum + s.errors, 0),
        max_foreign_cpu: foreign.length > 0 ? Math.max(...foreign) : null,
        samples: list,
      });
    }
  }
  return rows;
}
