// The coordination host runs the app's own bundle (its Durable Object classes, job handlers and
// scheduled handler) behind a small generated entry that serves the nodes' calls and exports
// the cron clock. Only the entry is bundled here; the app's modules stay as wrangler wrote them.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

type Esbuild = typeof import("esbuild");

/** The file and module name of the host's generated entry. */
export const HOST_ENTRY = "nimbus-coord-host.js";

/** The host's entry: the app's exports, the cron clock, and the host's fetch handler as default. */
export function coordHostEntry(mainModule: string): string {
  const app = JSON.stringify(`./${mainModule}`);
  return `import * as worker from ${app};
import { coordinationHost } from "nimbus-web/coord/host";
export * from ${app};
export { NimbusCronClock } from "nimbus-web/coord/host";
export default coordinationHost(worker.default ?? {});
`;
}

export interface CoordHostEntryOptions {
  /** The name of the app's main module in its bundle (`index.js`): imported, not bundled. */
  mainModule: string;
  /** The entry file to write. */
  outFile: string;
  /** The app's folder: esbuild and nimbus-web are resolved from it, as for the app's own bundle. */
  root: string;
}

/** Bundles the host's entry (one ES module importing the app's main module); returns its path. */
export async function bundleCoordHostEntry(options: CoordHostEntryOptions): Promise<string> {
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
      contents: coordHostEntry(options.mainModule),
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
    external: ["cloudflare:*", "node:*", `./${options.mainModule}`],
    logLevel: "error",
  });
  return options.outFile;
}
