// Soak: the demo under `wrangler dev` (workerd), a mixed workload at a fixed request rate for a
// fixed time; counts errors and samples the app node's memory (workerd's RSS).
//   node scripts/soak/run.ts [--minutes 10] [--rate 40] [--out bench/results/soak.json]
// Exits 1 on any error (a 5xx, a network failure, or a status the step does not expect).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../../test/e2e/support/dev-server.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "40" },
    out: { type: "string", default: "bench/results/soak.json" },
    // "reads": only the list and show pages (to tell read-path memory from write-path memory).
    mix: { type: "string", default: "mixed" },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);

/** Every process below this one, with its name and resident memory. */
function descendants(): { pid: number; name: string; rssKiB: number }[] {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parent.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  return [...mine].map((pid) => {
    let rssKiB = 0;
    try {
      rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      rssKiB = 0;
    }
    return { pid, name: names.get(pid) ?? "?", rssKiB };
  });
}

const workerdRss = () =>
  descendants()
    .filter((p) => p.name.startsWith("workerd"))
    .reduce((sum, p) => sum + p.rssKiB, 0);

const server = await startDevServer({ seedFile: resolve("src/seed.sql") });
const base = server.url;
console.log(`demo at ${base}; ${rate} req/s for ${minutes} min`);

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
  "CF-Connecting-IP": nextIp(),
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
  const headers = { Accept: "text/html", "CF-Connecting-IP": nextIp() };
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
        { method: "POST", headers: { Accept: "application/json", "CF-Connecting-IP": nextIp() } },
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
const samples: { minute: number; workerdRssMiB: number; requests: number; errors: number }[] = [];
const sample = (minute: number) => {
  const entry = {
    minute,
    workerdRssMiB: Math.round((workerdRss() / 1024) * 10) / 10,
    requests: latencies.length,
    errors: errors.length,
  };
  samples.push(entry);
  console.log(JSON.stringify(entry));
};
sample(0);

// Open loop: requests start on a fixed schedule whatever the previous ones are doing.
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
  if (Date.now() - started >= nextSample * 60_000) sample(nextSample++);
  await new Promise((done) => setTimeout(done, 20));
}
await Promise.all(inflight);
sample(minutes);
await server.stop();

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Math.round((latencies[Math.floor(p * (latencies.length - 1))] ?? 0) * 10) / 10;
const rss = samples.map((s) => s.workerdRssMiB);
const warm = rss.slice(1);
const result = {
  command: `node scripts/soak/run.ts --minutes ${minutes} --rate ${rate} --mix ${values.mix}`,
  date: new Date().toISOString(),
  target: "the demo under wrangler dev (workerd + local D1), seeded",
  minutes,
  rate,
  requests: latencies.length + errors.filter((e) => e.includes("Error")).length,
  achievedRate: Math.round((latencies.length / (minutes * 60)) * 10) / 10,
  errors: errors.length,
  firstErrors: errors.slice(0, 10),
  latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) },
  byStep: counts,
  memory: {
    samples,
    workerdRssMiB: {
      first: rss[0],
      afterMinute1: warm[0],
      last: rss.at(-1),
      max: Math.max(...rss),
    },
    growthAfterWarmupMiB:
      warm.length > 1 ? Math.round(((warm.at(-1) ?? 0) - (warm[0] ?? 0)) * 10) / 10 : 0,
  },
};
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  JSON.stringify(
    { ...result, memory: result.memory.workerdRssMiB, firstErrors: result.firstErrors },
    null,
    2,
  ),
);
process.exit(errors.length === 0 ? 0 : 1);
