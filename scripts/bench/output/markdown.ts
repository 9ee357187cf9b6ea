// bench/results/latest.md: the figures for people.
import { RATIO_GOAL, type RatioRow, type Results } from "./results.ts";

const MB = 1024 * 1024;
const fmt = (n: number | null | undefined, unit = "") =>
  n === null || n === undefined ? "–" : `${n.toLocaleString("en-US")}${unit}`;
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The cached scenario: the list page from Nimbus's cache against the same page uncached. */
function goalCell(x: RatioRow): string {
  if (x.goal_met === null) return "–";
  if (!x.goal_met) return "**missed**";
  return x.goal_met_against === "hono-drizzle" ? "met" : "met (against hono-drizzle-defaults)";
}

function cacheSection(r: Results): string {
  const c = r.cache;
  if (!c) return "";
  const goal = (met: boolean | null) => (met === null ? "–" : met ? "met" : "**missed**");
  const lines = [
    "## Nimbus's cache (scenario `cached`)",
    table(
      ["figure", "value", "goal"],
      [
        [
          "cached GET /links, req/s (CPU µs/req)",
          `${fmt(c.cached_rps)} (${fmt(c.cached_cpu_us_per_req)})`,
          "",
        ],
        [
          "uncached, same request, same process and run",
          `${fmt(c.uncached_rps)} (${fmt(c.uncached_cpu_us_per_req)})`,
          "",
        ],
        [
          "cached / uncached (by CPU/req)",
          `${fmt(c.speedup)} (${fmt(c.speedup_by_cpu)})`,
          `≥ 5: ${goal(c.goals.speedup_at_least_5)}`,
        ],
        ["fastify + better-sqlite3 uncached, req/s", fmt(c.fastify_uncached_rps), ""],
        [
          "cached nimbus / fastify uncached (by CPU/req)",
          `${fmt(c.vs_fastify_uncached)} (${fmt(c.vs_fastify_uncached_by_cpu)})`,
          `≥ 1: ${goal(c.goals.at_least_fastify_uncached)}`,
        ],
        [
          "95/5 read/write mix: req/s, hit ratio",
          c.mix_95_5
            ? `${fmt(c.mix_95_5.rps)}, ${pct(c.mix_95_5.hit_ratio)} of ${fmt(c.mix_95_5.reads)} reads (${fmt(c.mix_95_5.writes)} writes)`
            : "–",
          "",
        ],
      ],
    ),
    "Every request is a first visit (wrk keeps no cookies): the cached page still gets a new session, its signed cookie and its own CSRF token put into the shared copy. The uncached figure is scenario page on nimbus, whose requests carry the NIMBUS_CACHE_BYPASS secret. In the mix every 20th request creates a link, which invalidates the list (its tag version moves), so the next read regenerates it.",
  ];
  return lines.join("\n\n");
}

export function markdown(r: Results): string {
  const { header: h } = r;
  const s = h.settings;
  const out: string[] = [];
  out.push(`# Nimbus benchmark, ${h.date}`);
  out.push(
    `Demo measured at ${h.demo.ref} = commit ${h.demo.commit.slice(0, 12)}${h.demo.uncommitted_changes ? " plus uncommitted changes" : ""}.`,
  );
  out.push(
    `Command: \`${h.command}\` (${h.wall_time_s} s). Machine: ${h.machine.nproc} cores (${h.machine.cpu}), ${h.machine.memory_gb} GB, Linux ${h.machine.kernel}; ` +
      `Node ${h.machine.node.runner_and_workerd_tooling} (runner, wrangler, Miniflare), ${h.machine.node.node_peers} (Node peers); ${h.machine.workerd}; ${h.machine.wrk}. ` +
      `Load average ${h.machine.load_average_at_start} at start, ${h.machine.load_average_at_end} at end.`,
  );
  out.push(
    `Settings: wrk -t1 -c${s.connections}, ${s.runs} run(s) of ${s.duration_s} s after a ${s.warmup_s} s warm-up per scenario and target, runs interleaved across targets; medians shown. ` +
      `${s.pinning} ${s.seed_links} links seeded in every target before measuring.`,
  );

  const merged = (h as { merged?: { scenarios: string[]; command: string; date: string }[] })
    .merged;
  for (const m of merged ?? []) {
    out.push(
      `Rows of ${m.scenarios.join(", ")} come from a later partial run: \`${m.command}\` on ${m.date}, merged with scripts/bench/merge.ts; the other rows are the run above.`,
    );
  }

  out.push("## Requests per second and latency");
  out.push(
    table(
      [
        "scenario",
        "target",
        "req/s",
        "p50 ms",
        "p99 ms",
        "runs",
        "CPU µs/req",
        "errors",
        "foreign CPU",
      ],
      r.rows.map((row) => [
        row.scenario,
        row.target === "nimbus" ? "**nimbus**" : row.target,
        fmt(row.rps),
        fmt(row.p50_ms),
        fmt(row.p99_ms),
        row.runs,
        fmt(row.cpu_us_per_req),
        row.errors,
        row.max_foreign_cpu === null ? "–" : pct(row.max_foreign_cpu),
      ]),
    ),
  );
  out.push(
    "CPU µs/req: CPU time of the serving process (all its threads) per request, the figure least disturbed by other load. errors: non-2xx responses and socket errors over all runs (should be 0). foreign CPU: the largest share of the server's core that other processes on this machine took during a run (noise; above 10 % the row is suspect).",
  );

  out.push("## Ratios (req/s)");
  out.push(
    table(
      [
        "scenario",
        "nimbus / hono-drizzle",
        `goal ≥ ${RATIO_GOAL} by req/s and CPU`,
        "same, by CPU/req",
        "nimbus / hono-drizzle-defaults (by CPU/req)",
        "nimbus / fastify",
        "raw-workerd req/s",
        "raw-workerd / fastify",
        "nimbus / raw-workerd",
        "nimbus-libsql / raw-workerd (by CPU/req; goal ≥ 0.5 on page)",
        "hono-drizzle-libsql / raw-workerd by CPU/req",
        "nimbus-libsql / hono-drizzle-libsql by CPU/req",
      ],
      r.ratios.map((x) => [
        x.scenario,
        fmt(x.nimbus_vs_hono_drizzle),
        goalCell(x),
        fmt(x.nimbus_vs_hono_drizzle_by_cpu),
        `${fmt(x.nimbus_vs_hono_drizzle_defaults)} (${fmt(x.nimbus_vs_hono_drizzle_defaults_by_cpu)})`,
        fmt(x.nimbus_vs_fastify),
        fmt(x.raw_workerd_rps),
        fmt(x.raw_workerd_vs_fastify),
        fmt(x.nimbus_vs_raw_workerd),
        `${fmt(x.nimbus_libsql_vs_raw_workerd)} (${fmt(x.nimbus_libsql_vs_raw_workerd_by_cpu)})`,
        fmt(x.hono_drizzle_libsql_vs_raw_workerd_by_cpu),
        fmt(x.nimbus_libsql_vs_hono_drizzle_libsql_by_cpu),
      ]),
    ),
  );
  out.push(
    "nimbus / hono-drizzle is Nimbus's own overhead (same runtime, same bundle pipeline, same D1 path); \"by CPU/req\" asks the same of CPU time (hono-drizzle's CPU per request over nimbus's), which other load on the machine disturbs far less. hono-drizzle-defaults is the same peer doing in the open what Nimbus does by default and a careful hand-written app does too: security headers with a Content-Security-Policy, and one JSON request log line with a request id (peers/hono-drizzle/defaults.tsx). raw-workerd / fastify is the runtime's share of the gap to fastify: no framework on workerd gets above it on this machine. nimbus runs on the local dev emulator (D1 in Miniflare); nimbus-libsql is the self-hosted production path (plain workerd + Nimbus's libSQL server, whose CPU is counted too); hono-drizzle-libsql is the hono-drizzle peer's unchanged code on that same path (drizzle's libSQL driver over Nimbus's client and server): the floor of hand-written Hono + hono/jsx + drizzle with a networked database.",
  );

  if (r.cache) out.push(cacheSection(r));

  out.push("## Same work");
  out.push(
    table(
      ["target", "page bytes", "page = nimbus's", "show bytes", "show = nimbus's", "create status"],
      Object.entries(r.same_work).map(([name, w]) => [
        name,
        fmt(w.page.bytes),
        w.page.same_as_nimbus ? "yes" : "**no**",
        fmt(w.show.bytes),
        w.show.same_as_nimbus ? "yes" : "**no**",
        w.create.status,
      ]),
    ),
  );

  out.push("## Deployable bundle (wrangler deploy --dry-run)");
  out.push(
    table(
      ["bundle", "raw", "gzip", "of 3 MB free limit", "of 10 MB paid limit"],
      Object.entries(r.bundles).map(([name, b]) => [
        name,
        `${(b.bytes / MB).toFixed(2)} MB`,
        `${(b.gzip_bytes / MB).toFixed(3)} MB`,
        pct(b.of_free_limit),
        pct(b.of_paid_limit),
      ]),
    ),
  );

  out.push("## Cold start and memory");
  out.push(
    table(
      [
        "target",
        "cold start ms (median)",
        "samples ms",
        "RSS idle MB",
        "RSS after load MB",
        "started as",
      ],
      Object.entries(r.cold_start).map(([name, c]) => [
        name,
        fmt(c.median_ms),
        c.samples_ms.join(", "),
        fmt(c.idle_rss_mb),
        fmt(r.memory_after_load_mb[name as keyof typeof r.memory_after_load_mb]),
        c.how,
      ]),
    ),
  );
  out.push(
    "Cold start: from the start of a fresh server process (pinned like the load runs) to its first 200 on /hello. RSS: the serving process (workerd or node) alone; after load it is the process that served the runs (for nimbus and hono-drizzle, Miniflare's workerd, which also hosts the D1 emulation).",
  );

  out.push("## Targets");
  out.push(
    table(
      ["target", "how it runs"],
      h.targets.map((t) => [t.name, t.runtime]),
    ),
  );
  if (h.pending_scenarios.length > 0) {
    out.push(
      `Not measured yet: ${h.pending_scenarios.map((p) => `${p.name} (${p.pending})`).join("; ")}.`,
    );
  }
  if (r.warnings.length > 0)
    out.push(`## Warnings\n\n${r.warnings.map((w) => `- ${w}`).join("\n")}`);
  return `${out.join("\n\n")}\n`;
}
