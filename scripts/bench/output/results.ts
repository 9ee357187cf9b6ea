// The shape of bench/results/*.json, and the ratios the issue asks for.
import type { CacheMix } from "../lib/cache-mix.ts";
import type { ColdStart } from "../lib/cold-start.ts";
import type { Machine } from "../lib/machine.ts";
import type { Row } from "../lib/measure.ts";
import type { SameWork } from "../lib/same-work.ts";
import type { Source } from "../lib/source.ts";
import { round } from "../lib/stats.ts";
import type { ScenarioName } from "../scenarios.ts";
import type { TargetName } from "../targets/target.ts";

/**
 * Issue 14's goal: nimbus at or above this share of hand-written Hono + drizzle, by req/s and by
 * CPU per request — against the plain peer, or against the peer doing in the open the work
 * Nimbus does by default (hono-drizzle-defaults).
 */
export const RATIO_GOAL = 0.95;

export interface BundleSize {
  bytes: number;
  gzip_bytes: number;
  /** Share of Cloudflare's limits (3 MB gzip free, 10 MB gzip paid). */
  of_free_limit: number;
  of_paid_limit: number;
}

export interface RatioRow {
  scenario: ScenarioName;
  nimbus_rps: number | null;
  hono_drizzle_rps: number | null;
  fastify_rps: number | null;
  raw_workerd_rps: number | null;
  /** Nimbus's own overhead: same runtime, same database path. Goal >= 0.95. */
  nimbus_vs_hono_drizzle: number | null;
  /** The same ratio from server CPU per request (hono-drizzle's / nimbus's): robust to noise. */
  nimbus_vs_hono_drizzle_by_cpu: number | null;
  /**
   * Against hono-drizzle doing in the open what Nimbus does by default and a careful app does
   * too (security headers with a CSP, one request log line): by req/s and by CPU per request.
   */
  nimbus_vs_hono_drizzle_defaults: number | null;
  nimbus_vs_hono_drizzle_defaults_by_cpu: number | null;
  nimbus_vs_fastify: number | null;
  /** How far the runtime itself is from fastify: the part of nimbus_vs_fastify no framework can win back. */
  raw_workerd_vs_fastify: number | null;
  nimbus_vs_raw_workerd: number | null;
  /** The self-hosted production path against the runtime's in-process SQLite floor. Goal >= 0.5 on page. */
  nimbus_libsql_vs_raw_workerd: number | null;
  /** The same from CPU per request (raw-workerd's over nimbus-libsql's workerd + libSQL server). */
  nimbus_libsql_vs_raw_workerd_by_cpu: number | null;
  /**
   * The hand-written peer on the same self-hosted path (hono-drizzle-libsql) against the same
   * floor, by CPU per request: what Hono + hono/jsx + drizzle + a networked database reach.
   */
  hono_drizzle_libsql_vs_raw_workerd_by_cpu: number | null;
  /** Nimbus's own overhead on that path: hono-drizzle-libsql's CPU per request over nimbus-libsql's. */
  nimbus_libsql_vs_hono_drizzle_libsql_by_cpu: number | null;
  /** RATIO_GOAL reached by req/s and by CPU against hono-drizzle or hono-drizzle-defaults. */
  goal_met: boolean | null;
  /** The peer goal_met was reached against: the plain one first. */
  goal_met_against: "hono-drizzle" | "hono-drizzle-defaults" | null;
}

/** The cached scenario against the same page uncached, from one run on one runtime. */
export interface CacheSummary {
  /** GET /links served from Nimbus's cache (scenario cached). */
  cached_rps: number | null;
  cached_cpu_us_per_req: number | null;
  /** The same request with the cache bypassed (scenario page, nimbus), same process, same run. */
  uncached_rps: number | null;
  uncached_cpu_us_per_req: number | null;
  /** cached / uncached. Goal >= 5. */
  speedup: number | null;
  speedup_by_cpu: number | null;
  /** Fastify + better-sqlite3 on the page scenario (uncached), same run, same core. */
  fastify_uncached_rps: number | null;
  /** cached nimbus / fastify uncached. Goal >= 1. */
  vs_fastify_uncached: number | null;
  /** The same from CPU per request (fastify's / cached nimbus's): robust to other load. */
  vs_fastify_uncached_by_cpu: number | null;
  /** The list page under 19 reads to 1 write (each write invalidates it). */
  mix_95_5: CacheMix | null;
  goals: { speedup_at_least_5: boolean | null; at_least_fastify_uncached: boolean | null };
}

export function cacheSummary(rows: Row[], mix: CacheMix | null): CacheSummary {
  const find = (scenario: ScenarioName, target: TargetName) =>
    rows.find((r) => r.scenario === scenario && r.target === target);
  const cached = find("cached", "nimbus");
  const uncached = find("page", "nimbus");
  const fastify = find("page", "fastify");
  const speedup = ratio(cached?.rps ?? null, uncached?.rps ?? null);
  const vsFastify = ratio(cached?.rps ?? null, fastify?.rps ?? null);
  return {
    cached_rps: cached?.rps ?? null,
    cached_cpu_us_per_req: cached?.cpu_us_per_req ?? null,
    uncached_rps: uncached?.rps ?? null,
    uncached_cpu_us_per_req: uncached?.cpu_us_per_req ?? null,
    speedup,
    speedup_by_cpu: ratio(uncached?.cpu_us_per_req ?? null, cached?.cpu_us_per_req ?? null),
    fastify_uncached_rps: fastify?.rps ?? null,
    vs_fastify_uncached: vsFastify,
    vs_fastify_uncached_by_cpu: ratio(
      fastify?.cpu_us_per_req ?? null,
      cached?.cpu_us_per_req ?? null,
    ),
    mix_95_5: mix,
    goals: {
      speedup_at_least_5: speedup === null ? null : speedup >= 5,
      at_least_fastify_uncached: vsFastify === null ? null : vsFastify >= 1,
    },
  };
}

export interface Results {
  header: {
    command: string;
    date: string;
    demo: Omit<Source, "dir">;
    wall_time_s: number;
    machine: Machine & { load_average_at_end: number };
    settings: Record<string, unknown>;
    scenarios: { name: string; describe: string }[];
    pending_scenarios: { name: string; describe: string; pending: string }[];
    targets: { name: TargetName; runtime: string; node: string | null }[];
  };
  rows: Row[];
  ratios: RatioRow[];
  same_work: Partial<Record<TargetName, SameWork>>;
  bundles: Partial<Record<"nimbus" | "hono-drizzle" | "hono-drizzle-defaults", BundleSize>>;
  cold_start: Partial<Record<TargetName, ColdStart>>;
  memory_after_load_mb: Partial<Record<TargetName, number | null>>;
  /** Present when the cached scenario ran. */
  cache?: CacheSummary;
  warnings: string[];
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : round(a / b, 2);
}

export function ratios(rows: Row[], scenarios: ScenarioName[]): RatioRow[] {
  const row = (scenario: ScenarioName, target: TargetName) =>
    rows.find((r) => r.scenario === scenario && r.target === target);
  const rps = (scenario: ScenarioName, target: TargetName) => row(scenario, target)?.rps ?? null;
  const cpu = (scenario: ScenarioName, target: TargetName) =>
    row(scenario, target)?.cpu_us_per_req ?? null;
  return scenarios.map((scenario) => {
    const nimbus = rps(scenario, "nimbus");
    const honoDrizzle = rps(scenario, "hono-drizzle");
    const fastify = rps(scenario, "fastify");
    const raw = rps(scenario, "raw-workerd");
    const vsHonoDrizzle = ratio(nimbus, honoDrizzle);
    const vsDefaults = ratio(nimbus, rps(scenario, "hono-drizzle-defaults"));
    const vsHonoDrizzleByCpu = ratio(cpu(scenario, "hono-drizzle"), cpu(scenario, "nimbus"));
    const vsDefaultsByCpu = ratio(cpu(scenario, "hono-drizzle-defaults"), cpu(scenario, "nimbus"));
    const reached = (byRps: number | null, byCpu: number | null) =>
      byRps !== null && byCpu !== null && byRps >= RATIO_GOAL && byCpu >= RATIO_GOAL;
    const against = reached(vsHonoDrizzle, vsHonoDrizzleByCpu)
      ? "hono-drizzle"
      : reached(vsDefaults, vsDefaultsByCpu)
        ? "hono-drizzle-defaults"
        : null;
    return {
      scenario,
      nimbus_rps: nimbus,
      hono_drizzle_rps: honoDrizzle,
      fastify_rps: fastify,
      raw_workerd_rps: raw,
      nimbus_vs_hono_drizzle: vsHonoDrizzle,
      nimbus_vs_hono_drizzle_by_cpu: vsHonoDrizzleByCpu,
      nimbus_vs_hono_drizzle_defaults: vsDefaults,
      nimbus_vs_hono_drizzle_defaults_by_cpu: vsDefaultsByCpu,
      nimbus_vs_fastify: ratio(nimbus, fastify),
      raw_workerd_vs_fastify: ratio(raw, fastify),
      nimbus_vs_raw_workerd: ratio(nimbus, raw),
      nimbus_libsql_vs_raw_workerd: ratio(rps(scenario, "nimbus-libsql"), raw),
      nimbus_libsql_vs_raw_workerd_by_cpu: ratio(
        cpu(scenario, "raw-workerd"),
        cpu(scenario, "nimbus-libsql"),
      ),
      hono_drizzle_libsql_vs_raw_workerd_by_cpu: ratio(
        cpu(scenario, "raw-workerd"),
        cpu(scenario, "hono-drizzle-libsql"),
      ),
      nimbus_libsql_vs_hono_drizzle_libsql_by_cpu: ratio(
        cpu(scenario, "hono-drizzle-libsql"),
        cpu(scenario, "nimbus-libsql"),
      ),
      goal_met: vsHonoDrizzle === null && vsDefaults === null ? null : against !== null,
      goal_met_against: against,
    };
  });
}
