// Soak: the demo under `wrangler dev` (workerd), a mixed workload at a fixed request rate for a
// fixed time; counts errors and samples the app node's memory (workerd's RSS).
//   node scripts/soak/run.ts [--minutes 10] [--rate 40] [--out bench/results/soak.json]
// Exits 1 on any error (a 5xx, a network failure, or a status the step does not expect).
// Soak: the demo under a mixed workload at a fixed request rate for a fixed time; counts errors
// and samples the app node's memory (workerd's RSS) every minute.
//   node scripts/soak/run.ts [--target node|dev] [--minutes 10] [--rate 40] [--out bench/results/soak.json]
// --target node (default): the production path, plain workerd from the `nimbus build` bundle on
// Nimbus's local libSQL server; --target dev: `wrangler dev` (Miniflare). See targets.ts.
// Exits 1 on any error (a 5xx, a network failure, or a status the step does not expect).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { startTarget } from "./targets.ts";

const { values } = parseArgs({
  options: {
    target: { type: "string", default: "node" },
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "40" },
    out: { type: "string", default: "bench/results/soak.json" },
    // "reads": only the list and show pages (to tell read-path memory from write-path memory).
    mix: { type: "string", default: "mixed" },
    // Also read the node's JS heap after a forced full GC at each sample (V8 inspector; node only):
    // what the app holds, apart from garbage not collected yet. The GC itself lowers RSS.
    heap: { type: "boolean", default: false },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);

// The commit measured (read now: the tree may move during a long run).
const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
// The demo imports nimbus-web from dist/: build it from this tree first, as vitest.config.ts does.
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
const target = await startTarget(values.target ?? "node", minutes, values.heap);
const base = target.url;
console.log(`demo at ${base} (${values.target}); ${rate} req/s for ${minutes} min`);

// A steady crowd of 250 clients (rate limits and their objects are per client address).
let ip = 0;
const nextIp = () => {
  ip = (ip + 1) % 250;
  return `198.18.0.${ip + 1}`;
};
const linkIds: number[] = [];
const counts: Record<string, number> = {};
const errors: string[] = [];
const latencies: number[] = [];

async function call(
  step: string,
  path: string,
  init: RequestInit,
  ok: number[],
): Promise<Response | null> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${path}`, { ...init, redirect: "manual" });
    latencies.push(performance.now() - started);
    counts[step] = (counts[step] ?? 0) + 1;
    if (!ok.includes(res.status)) {
      errors.push(`${step} ${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      return null;
    }
    return res;
  } catch (error) {
    errors.push(`${step} ${path}: ${String(error)}`);
    return null;
  }
}

const json = (extra: Record<string, string> = {}) => ({
  Accept: "application/json",
  "Content-Type": "application/json",
  [target.clientHeader]: nextIp(),
  ...extra,
});
const pick = () => linkIds[Math.floor(Math.random() * linkIds.length)] ?? 1;

async function createLink(): Promise<void> {
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const res = await call(
    "create link (JSON)",
    "/links",
    {
      method: "POST",
      headers: json(),
      body: JSON.stringify({
        title: `Soak ${tag}`,
        url: `https://example.com/${tag}`,
        description: "soak",
      }),
    },
    [201],
  );
  if (res) linkIds.push(((await res.json()) as { data: { id: number } }).data.id);
}

async function commentByForm(): Promise<void> {
  const id = pick();
  const headers = { Accept: "text/html", [target.clientHeader]: nextIp() };
  const page = await call("comment form (GET)", `/links/${id}/comments/new`, { headers }, [200]);
  if (!page) return;
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  await call(
    "comment (form POST)",
    `/links/${id}/comments`,
    {
      method: "POST",
      headers: {
        ...headers,
        Cookie: cookie,
        Origin: base,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        _csrf: token,
        author: "soak",
        body: "a soak comment",
      }).toString(),
    },
    [303],
  );
}

const steps: [number, () => Promise<unknown>][] = [
  [
    35,
    () =>
      call("list (HTML)", "/links", { headers: { Accept: "text/html" } }, [200]).then((r) =>
        r?.text(),
      ),
  ],
  [
    15,
    () =>
      call(
        "list (JSON)",
        "/links.json?per_page=50",
        { headers: { Accept: "application/json" } },
        [200],
      ).then((r) => r?.text()),
  ],
  [
    20,
    () =>
      call("show (HTML)", `/links/${pick()}`, { headers: { Accept: "text/html" } }, [200]).then(
        (r) => r?.text(),
      ),
  ],
  [
    15,
    () =>
      call(
        "vote (JSON)",
        `/links/${pick()}/vote`,
        {
          method: "POST",
          headers: { Accept: "application/json", [target.clientHeader]: nextIp() },
        },
        [200],
      ).then((r) => r?.text()),
  ],
  [8, createLink],
  [5, commentByForm],
  [
    2,
    () =>
      call("bad JSON (400)", "/links", { method: "POST", headers: json(), body: "{" }, [400]).then(
        (r) => r?.text(),
      ),
  ],
];
if (values.mix === "reads") steps.splice(3);
const total = steps.reduce((sum, [weight]) => sum + weight, 0);
function oneStep(): Promise<unknown> {
  let roll = Math.random() * total;
  for (const [weight, run] of steps) {
    roll -= weight;
    if (roll < 0) return run();
  }
  return Promise.resolve();
}

for (let i = 0; i < 5; i++) await createLink();
interface Sample {
  minute: number;
  workerdRssMiB: number;
  byProcessMiB: Record<string, number>;
  databaseRssMiB: number | undefined;
  jsHeapAfterGcMiB?: number | undefined;
  workerdRssAfterGcMiB?: number | undefined;
  requests: number;
  errors: number;
  load1: number;
}
const samples: Sample[] = [];
const mib = (kib: number | undefined) =>
  kib === undefined ? undefined : Math.round((kib / 1024) * 10) / 10;
const sample = async (minute: number) => {
  const entry: Sample = {
    minute,
    workerdRssMiB: mib(target.nodeRssKiB()) ?? 0,
    byProcessMiB: Object.fromEntries(
      Object.entries(target.nodeRssByProcessKiB()).map(([k, v]) => [k, mib(v) ?? 0]),
    ),
    databaseRssMiB: mib(target.databaseRssKiB()),
    requests: latencies.length,
    errors: errors.length,
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
  if (target.jsHeap) {
    entry.jsHeapAfterGcMiB = (await target.jsHeap())?.usedMiB;
    entry.workerdRssAfterGcMiB = mib(target.nodeRssKiB());
  }
  samples.push(entry);
  samples.sort((a, b) => a.minute - b.minute);
  console.log(JSON.stringify(entry));
};
await sample(0);

// Open loop: requests start on a fixed schedule whatever the previous ones are doing.
// Memory is sampled every half minute.
const SAMPLE_MS = 30_000;
const inflight = new Set<Promise<unknown>>();
const started = Date.now();
const end = started + minutes * 60_000;
let sent = 0;
let nextSample = 1;
while (Date.now() < end) {
  const due = Math.floor(((Date.now() - started) / 1000) * rate);
  while (sent < due) {
    const p = oneStep()
      .catch((error: unknown) => errors.push(`reading a response: ${String(error)}`))
      .finally(() => inflight.delete(p));
    inflight.add(p);
    sent += 1;
  }
  if (Date.now() - started >= nextSample * SAMPLE_MS)
    void sample((nextSample++ * SAMPLE_MS) / 60_000);
  await new Promise((done) => setTimeout(done, 20));
}
await Promise.all(inflight);
await sample(minutes);
await target.stop();

/** Least-squares slope of `ys` over `xs` (MiB per minute). */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let k = 0; k < n; k++) {
    num += ((xs[k] ?? 0) - mx) * ((ys[k] ?? 0) - my);
    den += ((xs[k] ?? 0) - mx) ** 2;
  }
  return den === 0 ? 0 : Math.round((num / den) * 100) / 100;
}

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Math.round((latencies[Math.floor(p * (latencies.length - 1))] ?? 0) * 10) / 10;
const rss = samples.map((s) => s.workerdRssMiB);
// Warm-up: the first two minutes (JIT, caches and pools filling); the slope is over the rest.
const warm = samples.filter((s) => s.minute >= 2);
const secondHalf = samples.filter((s) => s.minute >= minutes / 2);
const result = {
  command: `node scripts/soak/run.ts --target ${values.target} --minutes ${minutes} --rate ${rate} --mix ${values.mix}${values.heap ? " --heap" : ""}`,
  commit,
  date: new Date().toISOString(),
  target: values.target,
  description: target.description,
  minutes,
  rate,
  requests: latencies.length + errors.filter((e) => e.includes("Error")).length,
  achievedRate: Math.round((latencies.length / (minutes * 60)) * 10) / 10,
  errors: errors.length,
  firstErrors: errors.slice(0, 10),
  latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) },
  byStep: counts,
  loadAverage1m: {
    min: Math.min(...samples.map((s) => s.load1)),
    max: Math.max(...samples.map((s) => s.load1)),
  },
  memory: {
    samples,
    workerdRssMiB: {
      start: rss[0],
      atMinute2: warm[0]?.workerdRssMiB,
      end: rss.at(-1),
      peak: Math.max(...rss),
    },
    slopeAfterMinute2MiBPerMinute: slope(
      warm.map((s) => s.minute),
      warm.map((s) => s.workerdRssMiB),
    ),
    slopeSecondHalfMiBPerMinute: slope(
      secondHalf.map((s) => s.minute),
      secondHalf.map((s) => s.workerdRssMiB),
    ),
    ...(values.heap && {
      jsHeapAfterGcMiB: {
        start: samples[0]?.jsHeapAfterGcMiB,
        end: samples.at(-1)?.jsHeapAfterGcMiB,
        peak: Math.max(...samples.map((s) => s.jsHeapAfterGcMiB ?? 0)),
        slopeAfterMinute2MiBPerMinute: slope(
          warm.map((s) => s.minute),
          warm.map((s) => s.jsHeapAfterGcMiB ?? 0),
        ),
      },
    }),
  },
};
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  JSON.stringify(
    {
      ...result,
      memory: result.memory.workerdRssMiB,
      slope: result.memory.slopeAfterMinute2MiBPerMinute,
    },
    null,
    2,
  ),
);
process.exit(errors.length === 0 ? 0 : 1);
