/**
 * Runs the test link board inside workerd (Miniflare), as deployed: bundled with esbuild the
 * way wrangler bundles (workerd conditions), with a persistent local D1 and optional vars.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { bundle } from "../../../../scripts/lib/bundle-worker.ts";

const ENTRY = join(import.meta.dirname, "worker-entry.ts");

/** Bundles the test Worker once into `outdir`; returns the script's path. */
export function bundleWorker(outdir: string): Promise<string> {
  return bundle(ENTRY, outdir, "worker");
}

export interface WorkerOptions {
  scriptPath: string;
  /** Folder for D1's files; kept across restarts. */
  persistTo: string;
  vars?: Record<string, string>;
}

export function startWorker(options: WorkerOptions): Miniflare {
  return new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: options.scriptPath,
      modulesRoot: dirname(options.scriptPath),
      compatibilityDate: "2026-11-01",
      compatibilityFlags: ["nodejs_compat"],
      d1Databases: ["DB"],
      bindings: { NIMBUS_ENV: "development", ...options.vars },
      resourcePersistencePath: options.persistTo,
    }),
  );
}

/** A temp folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
