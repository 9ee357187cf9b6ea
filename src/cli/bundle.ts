import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Project } from "./project.ts";

type Esbuild = typeof import("esbuild");

/** esbuild as wrangler installs it in the app: the CLI never borrows tools from elsewhere. */
async function esbuild(project: Project): Promise<Esbuild> {
  try {
    const path = createRequire(join(project.root, "package.json")).resolve("esbuild");
    return (await import(pathToFileURL(path).href)) as Esbuild;
  } catch {
    throw new Error(
      "esbuild is not installed in the app (it comes with wrangler): run npm install.",
    );
  }
}

/** The folder of the framework's entry as the app resolves "nimbus-web", so helpers share its drizzle. */
export function nimbusDir(project: Project): string {
  return dirname(createRequire(join(project.root, "package.json")).resolve("nimbus-web"));
}

/**
 * Bundles TypeScript/JSX source (`contents`, resolved from `resolveDir`) for Node and imports it.
 * `cloudflare:*` modules become empty stand-ins: reading routes or models needs no Workers runtime.
 */
export async function importBundled<T>(
  project: Project,
  contents: string,
  resolveDir: string,
): Promise<T> {
  const { build } = await esbuild(project);
  const result = await build({
    stdin: { contents, resolveDir, loader: "ts", sourcefile: "nimbus-cli-entry.ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    logLevel: "silent",
    // CommonJS dependencies inside an ES module bundle still call require (for Node's builtins).
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
    plugins: [
      {
        name: "cloudflare-stand-ins",
        setup(build) {
          build.onResolve({ filter: /^cloudflare:/ }, (args) => ({
            path: args.path,
            namespace: "stand-in",
          }));
          build.onLoad({ filter: /.*/, namespace: "stand-in" }, () => ({
            contents:
              "export class DurableObject {} export class WorkerEntrypoint {} export const env = {};",
          }));
        },
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "nimbus-cli-"));
  const file = join(dir, "bundle.mjs");
  try {
    writeFileSync(file, result.outputFiles[0]?.text ?? "");
    return (await import(pathToFileURL(file).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
