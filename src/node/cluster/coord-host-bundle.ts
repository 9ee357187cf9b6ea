// The coordination host runs the app's own code (its Durable Object classes, job handlers and
// scheduled handler) behind a generated entry that serves the nodes' calls.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

type Esbuild = typeof import("esbuild");

/** The host's entry: the app's exports, the cron clock, and the host's fetch handler as default. */
export function coordHostEntry(appEntry: string): string {
  const app = JSON.stringify(resolve(appEntry));
  return `import * as worker from ${app};
import { coordinationHost } from "nimbus-web/coord/host";
export * from ${app};
export { NimbusCronClock } from "nimbus-web/coord/host";
export default coordinationHost(worker.default ?? {});
`;
}

export interface CoordHostBundleOptions {
  /** The app's worker entry (wrangler.toml `main`). */
  appEntry: string;
  /** The bundle to write. */
  outFile: string;
  /** The app's folder: esbuild and nimbus-web are resolved from it, as for the app's own bundle. */
  root: string;
}

/** Bundles the coordination host the way wrangler bundles a Worker (one ES module); returns its path. */
export async function bundleCoordHost(options: CoordHostBundleOptions): Promise<string> {
  const requireFromApp = createRequire(join(resolve(options.root), "package.json"));
  let esbuild: Esbuild;
  try {
    esbuild = (await import(pathToFileURL(requireFromApp.resolve("esbuild")).href)) as Esbuild;
  } catch {
    throw new Error(
      "esbuild is not installed in the app (it comes with wrangler): run npm install.",
    );
  }
  mkdirSync(dirname(options.outFile), { recursive: true });
  await esbuild.build({
    // Resolved from the app's folder, so "nimbus-web" is the app's own copy.
    stdin: {
      contents: coordHostEntry(options.appEntry),
      resolveDir: resolve(options.root),
      sourcefile: "nimbus-coord-host-entry.js",
    },
    outfile: options.outFile,
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    loader: { ".sql": "text", ".txt": "text", ".html": "text" },
    logLevel: "error",
  });
  return options.outFile;
}
