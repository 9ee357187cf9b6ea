/**
 * `npm run bench`: the Nimbus demo side by side with what a user would pick instead.
 * Builds the bundles, starts every target pinned to one core, checks they do the same work,
 * loads them with wrk from the other core, times cold starts, and writes bench/results/.
 * See scripts/bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readAppConfig } from "./lib/app-config.ts";
import { buildBundle, WORKER_LIMITS_GZIP } from "./lib/bundle.ts";
import { type CacheMix, measureCacheMix } from "./lib/cache-mix.ts";
import { type ColdStart, measureColdStart } from "./lib/cold-start.ts";
import { commandVersion, describeMachine } from "./lib/machine.ts";
import { measureAll } from "./lib/measure.ts";
import { type Options, parseOptions, USAGE } from "./lib/options.ts";
import { D1_PEER_CONFIGS, LIBSQL_PEER_CONFIG } from "./lib/peer-configs.ts";
import { loadAverage, residentBytes } from "./lib/proc.ts";
import { runToEnd, stopAll, stopAllOnExit } from "./lib/processes.ts";
import { answers, checkTarget, compareWithNimbus, type SameWork } from "./lib/same-work.ts";
import { demoSource } from "./lib/source.ts";
import { round } from "./lib/stats.ts";
import { type BundleSize, cacheSummary, type Results, ratios } from "./output/results.ts";
import { writeResults } from "./output/write.ts";
import { SCENARIOS, SHOW_ID } from "./scenarios.ts";
import { TARGETS } from "./targets/index.ts";
import type { BenchContext, Bundle, RunningTarget, Target, TargetName } from "./targets/target.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const WORKERD = join(ROOT, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const MB = 1024 * 1024;
const log = (line: string) => console.log(line);

function commandLine(): string {
  const args = process.argv.slice(2).join(" ");
  return process.env.npm_lifecycle_event === "bench"
    ? `npm run bench${args ? ` -- ${args}` : ""}`
    : `node scripts/bench/run.ts${args ? ` ${args}` : ""}`;
}

/** Servers on core 0, wrk and this runner on core 1; nothing pinned on a one-core machine. */
async function pinCores(): Promise<BenchContext["cores"]> {
  if (cpus().length < 2) return { server: undefined, load: undefined };
  await runToEnd("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { maxSeconds: 10 });
  return { server: 0, load: 1 };
}

function bundleSize(b: Bundle): BundleSize {
  return {
    bytes: b.bytes,
    gzip_bytes: b.gzipBytes,
    of_free_limit: round(b.gzipBytes / WORKER_LIMITS_GZIP.free, 3),
    of_paid_limit: round(b.gzipBytes / WORKER_LIMITS_GZIP.paid, 3),
  };
}

async function startTargets(ctx: BenchContext, targets: Target[], warnings: string[]) {
  const running = new Map<TargetName, RunningTarget>();
  const started = await Promise.allSettled(targets.map((t) => t.start(ctx)));
  started.forEach((result, i) => {
    const name = (targets[i] as Target).name;
    if (result.status === "fulfilled") running.set(name, result.value);
    else
      warnings.push(
        `${name} did not start, so it is not measured: ${String(result.reason).slice(0, 600)}`,
      );
  });
  return running;
}

/** A response unlike nimbus's is written beside nimbus's under `dir`, for a diff. */
function keepBodies(dir: string, target: TargetName, scenario: string, bodies: string[]): string {
  mkdirSync(dir, { recursive: true });
  const [theirs = "", ours = ""] = bodies;
  writeFileSync(join(dir, `${target}-${scenario}.txt`), theirs);
  writeFileSync(join(dir, `nimbus-${scenario}.txt`), ours);
  return join(dir, `${target}-${scenario}.txt`);
}

async function checkSameWork(
  running: Map<TargetName, RunningTarget>,
  warnings: string[],
  bodiesDir: string,
) {
  const checks = new Map<TargetName, { result: SameWork; bodies: Record<string, string> }>();
  for (const [name, target] of running) {
    try {
      checks.set(name, await checkTarget(target.url));
    } catch (error) {
      warnings.push(`${name} failed the same-work check: ${String(error)}`);
    }
  }
  compareWithNimbus(checks);
  const sameWork = Object.fromEntries([...checks].map(([name, c]) => [name, c.result]));
  const nimbus = checks.get("nimbus");
  for (const [name, { result, bodies }] of checks) {
    for (const [scenario, check] of Object.entries(result)) {
      if (check.same_as_nimbus === false) {
        const kept = keepBodies(bodiesDir, name, scenario, [
          bodies[scenario] ?? "",
          nimbus?.bodies[scenario] ?? "",
        ]);
        warnings.push(
          `${name}: its ${scenario} response differs from nimbus's (${"bytes" in check ? `${check.bytes} bytes` : check.keys}; kept in ${kept}).`,
        );
      }
    }
  }
  return sameWork as Partial<Record<TargetName, SameWork>>;
}

async function bench(options: Options): Promise<void> {
  const began = performance.now();
  const date = new Date().toISOString();
  const warnings: string[] = [];
  const cores = await pinCores();
  if (cores.server === undefined)
    warnings.push(
      "One core only: server and wrk share it; figures are not comparable with pinned runs.",
    );
  const peerNodeVersion = commandVersion(options.peerNode, ["--version"]);
  const machine = describeMachine(ROOT, options.peerNode, WORKERD);
  const workDir = mkdtempSync(join(tmpdir(), "nimbus-bench-"));
  const selected = TARGETS.filter((t) => options.targets.includes(t.name));
  const scenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.name) && !s.pending);
  try {
    const source = await demoSource(ROOT, options.ref, workDir);
    if (source.uncommitted_changes)
      warnings.push(`Measured the working tree, which differs from ${source.commit.slice(0, 12)}.`);
    log(
      `1/6 bundling the demo at ${options.ref} (${source.commit.slice(0, 12)}) and the hono-drizzle peers (wrangler deploy --dry-run)`,
    );
    const app = await readAppConfig(source.dir);
    const [nimbusBundle, honoDrizzleBundle, honoDrizzleDefaultsBundle, honoDrizzleLibsqlBundle] =
      await Promise.all([
        buildBundle(ROOT, join(workDir, "nimbus-dist"), join(source.dir, "wrangler.toml")),
        buildBundle(
          ROOT,
          join(workDir, "hono-drizzle-dist"),
          D1_PEER_CONFIGS["hono-drizzle"] as string,
        ),
        buildBundle(
          ROOT,
          join(workDir, "hono-drizzle-defaults-dist"),
          D1_PEER_CONFIGS["hono-drizzle-defaults"] as string,
        ),
        buildBundle(ROOT, join(workDir, "hono-drizzle-libsql-dist"), LIBSQL_PEER_CONFIG),
      ]);
    const ctx: BenchContext = {
      root: ROOT,
      workDir,
      seedCount: options.seed,
      app,
      bundles: {
        nimbus: nimbusBundle,
        "hono-drizzle": honoDrizzleBundle,
        "hono-drizzle-defaults": honoDrizzleDefaultsBundle,
        "hono-drizzle-libsql": honoDrizzleLibsqlBundle,
      },
      cores,
      maxSeconds: 3600,
      peerNode: { path: options.peerNode, version: peerNodeVersion },
      workerdPath: WORKERD,
      workerdVersion: machine.workerd.replace(/^workerd\s*/, ""),
    };

    log(
      `2/6 starting ${selected.map((t) => t.name).join(", ")} (seeding ${options.seed} links each)`,
    );
    const running = await startTargets(ctx, selected, warnings);

    log("3/6 checking every target does the same work as nimbus");
    const sameWork = await checkSameWork(
      running,
      warnings,
      join(resolve(ROOT, options.outDir), "same-work"),
    );

    log(
      `4/6 measuring: ${scenarios.map((s) => s.name).join(", ")} × ${running.size} targets × ${options.runs} run(s) of ${options.durationS} s`,
    );
    const rows = await measureAll({
      scenarios,
      targets: running,
      // Only Nimbus has a cache; it is measured on `cached` if it serves the page at all.
      measures: (scenario, target) =>
        scenario === "cached"
          ? target === "nimbus" && answers(sameWork[target], "page")
          : answers(sameWork[target], scenario),
      runs: options.runs,
      durationS: options.durationS,
      warmupS: options.warmupS,
      connections: options.connections,
      cores,
      log,
    });
    let mix: CacheMix | null = null;
    const nimbusRunning = running.get("nimbus");
    if (nimbusRunning && rows.some((r) => r.scenario === "cached")) {
      log(`  cached: the list page under a 95/5 read/write mix on nimbus (${options.durationS} s)`);
      try {
        mix = await measureCacheMix({
          url: nimbusRunning.url,
          durationS: options.durationS,
          connections: options.connections,
          core: cores.load,
        });
        log(`  cached mix: ${round(mix.rps)} req/s, hit ratio ${mix.hit_ratio}`);
      } catch (error) {
        warnings.push(`cached: the 95/5 mix was not measured: ${String(error).slice(0, 400)}`);
      }
    }
    const memory: Partial<Record<TargetName, number | null>> = {};
    for (const [name, target] of running) {
      const pid = target.servingPid();
      const rss = pid === undefined ? undefined : residentBytes(pid);
      memory[name] = rss === undefined ? null : round(rss / MB);
    }
    await stopAll();

    log(`5/6 cold starts (${options.coldStarts} per target)`);
    const coldStart: Partial<Record<TargetName, ColdStart>> = {};
    for (const target of selected) {
      try {
        coldStart[target.name] = await measureColdStart(ctx, target, options.coldStarts);
        log(`  ${target.name}: ${coldStart[target.name]?.median_ms} ms`);
      } catch (error) {
        warnings.push(`${target.name}: cold start not measured: ${String(error).slice(0, 400)}`);
      }
    }

    for (const row of rows) {
      if (row.errors > 0)
        warnings.push(
          `${row.scenario} × ${row.target}: ${row.errors} error responses during the runs.`,
        );
      if ((row.max_foreign_cpu ?? 0) > 0.1) {
        warnings.push(
          `${row.scenario} × ${row.target}: other processes took up to ${Math.round((row.max_foreign_cpu ?? 0) * 100)} % of the server core during a run.`,
        );
      }
    }

    log("6/6 writing results");
    const results: Results = {
      header: {
        command: commandLine(),
        date,
        demo: {
          ref: source.ref,
          commit: source.commit,
          uncommitted_changes: source.uncommitted_changes,
        },
        wall_time_s: Math.round((performance.now() - began) / 1000),
        machine: { ...machine, load_average_at_end: loadAverage() },
        settings: {
          quick: options.quick,
          runs: options.runs,
          duration_s: options.durationS,
          warmup_s: options.warmupS,
          connections: options.connections,
          wrk_threads: 1,
          seed_links: options.seed,
          show_id: SHOW_ID,
          cold_starts: options.coldStarts,
          order:
            "per scenario: warm-up of every target, then run 1 of every target, run 2 of every target, ... (start target rotated each run)",
          pinning:
            cores.server === undefined
              ? "No pinning (one core)."
              : `Each server pinned to core ${cores.server} (taskset), wrk and the runner on core ${cores.load}; Miniflare's Node process moved to core ${cores.load} once ready, leaving workerd alone on core ${cores.server}.`,
          nimbus_vars:
            "wrangler.toml's, with NIMBUS_ENV=production and a random 64-hex-character SESSION_SECRET",
        },
        scenarios: scenarios.map((s) => ({ name: s.name, describe: s.describe })),
        pending_scenarios: SCENARIOS.filter((s) => s.pending).map((s) => ({
          name: s.name,
          describe: s.describe,
          pending: s.pending ?? "",
        })),
        targets: selected.map((t) => ({
          name: t.name,
          runtime: t.runtime(ctx),
          node: t.nodeVersion(ctx) ?? null,
        })),
      },
      rows: rows.map(({ samples, ...row }) => ({ ...row, samples })),
      ratios: ratios(
        rows,
        scenarios.map((s) => s.name),
      ),
      same_work: sameWork,
      bundles: { nimbus: bundleSize(nimbusBundle), "hono-drizzle": bundleSize(honoDrizzleBundle) },
      cold_start: coldStart,
      memory_after_load_mb: memory,
      ...(rows.some((r) => r.scenario === "cached") ? { cache: cacheSummary(rows, mix) } : {}),
      warnings,
    };
    const written = writeResults(resolve(ROOT, options.outDir), results);
    log(`\nWrote ${written.join(", ")}`);
    for (const r of results.ratios) {
      log(
        `  ${r.scenario}: nimbus/hono-drizzle ${r.nimbus_vs_hono_drizzle ?? "–"} (by CPU ${r.nimbus_vs_hono_drizzle_by_cpu ?? "–"}), nimbus/hono-drizzle-defaults ${r.nimbus_vs_hono_drizzle_defaults ?? "–"} (by CPU ${r.nimbus_vs_hono_drizzle_defaults_by_cpu ?? "–"}), nimbus/fastify ${r.nimbus_vs_fastify ?? "–"}, raw-workerd/fastify ${r.raw_workerd_vs_fastify ?? "–"}`,
      );
    }
    for (const w of warnings) log(`  warning: ${w}`);
  } finally {
    await stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  process.env.WRANGLER_SEND_METRICS = "false";
  stopAllOnExit();
  await bench(options);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
