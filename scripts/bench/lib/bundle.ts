// The deployable bundle, built as `wrangler deploy` would upload it, and its size.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Bundle } from "../targets/target.ts";
import { runToEnd } from "./processes.ts";

/** Cloudflare's Worker size limits, after compression. */
export const WORKER_LIMITS_GZIP = { free: 3 * 1024 * 1024, paid: 10 * 1024 * 1024 };

/** What wrangler would run the config's Worker with in Miniflare: every binding, compatibility. */
async function workerOptionsOf(config: string): Promise<Record<string, unknown>> {
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  return JSON.parse(JSON.stringify(unstable_getMiniflareWorkerOptions(config).workerOptions));
}

/** `extraArgs` go to wrangler (e.g. --no-minify, for readable profiles). */
export async function buildBundle(
  root: string,
  outdir: string,
  config: string,
  extraArgs: string[] = [],
): Promise<Bundle> {
  const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");
  const args = [
    wrangler,
    "deploy",
    "--dry-run",
    "--outdir",
    outdir,
    "--config",
    config,
    ...extraArgs,
  ];
  await runToEnd(process.execPath, args, {
    maxSeconds: 120,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  // Everything wrangler would upload: modules, not source maps or its README.
  const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const main = files.find((f) => /\.(m?js)$/.test(f));
  if (!main) throw new Error(`wrangler left no module in ${outdir}`);
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const path = join(outdir, file);
    if (!statSync(path).isFile()) continue;
    const content = readFileSync(path);
    bytes += content.byteLength;
    gzipBytes += gzipSync(content).byteLength;
  }
  const workerOptions = await workerOptionsOf(config);
  return { config, workerOptions, dir: outdir, main: join(outdir, main), bytes, gzipBytes };
}
