// Ad-hoc: CPU per request of a few cached paths on the demo (not committed).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readAppConfig } from "./lib/app-config.ts";
import { buildBundle } from "./lib/bundle.ts";
import { cpuTicks, TICKS_PER_SECOND } from "./lib/proc.ts";
import { runToEnd, stopAll, stopAllOnExit } from "./lib/processes.ts";
import { runWrk } from "./lib/wrk.ts";
import { CACHE_BYPASS } from "./scenarios.ts";
import { nimbus } from "./targets/miniflare-d1.ts";
import type { BenchContext } from "./targets/target.ts";

const ROOT = resolve(import.meta.dirname, "../..");
stopAllOnExit();
await runToEnd("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { maxSeconds: 10 });
const workDir = mkdtempSync(join(tmpdir(), "nimbus-probe-"));
const app = await readAppConfig(ROOT);
const bundle = await buildBundle(ROOT, join(workDir, "dist"), join(ROOT, "wrangler.toml"));
const ctx = {
  root: ROOT,
  workDir,
  seedCount: 1000,
  app,
  bundles: { nimbus: bundle, "hono-drizzle": bundle },
  cores: { server: 0, load: 1 },
  maxSeconds: 900,
  peerNode: { path: "/usr/bin/node", version: "" },
  workerdPath: "",
  workerdVersion: "",
} as unknown as BenchContext;
const target = await nimbus.start(ctx);
const first = await fetch(`${target.url}/links`);
const cookie = first.headers
  .getSetCookie()
  .map((c) => c.split(";")[0])
  .join("; ");
const cases: [string, string, Record<string, string>][] = [
  ["hello", "/hello", {}],
  ["cached first visit", "/links", {}],
  ["cached returning", "/links", { Cookie: cookie }],
  ["cached json", "/links.json", {}],
  ["uncached", "/links", { "Nimbus-Cache-Bypass": CACHE_BYPASS }],
];
for (let round = 0; round < 2; round++) {
  for (const [name, path, headers] of cases) {
    const pid = target.servingPid() as number;
    const before = cpuTicks(pid);
    const r = await runWrk({
      url: `${target.url}${path}`,
      connections: 20,
      durationS: 4,
      core: 1,
      headers,
    });
    const us = ((cpuTicks(pid) - before) * 1e6) / TICKS_PER_SECOND / r.requests;
    console.log(
      `${name}: ${Math.round(r.rps)} req/s, ${Math.round(us)} µs CPU/req, errors ${r.errors}`,
    );
  }
}
await stopAll();
