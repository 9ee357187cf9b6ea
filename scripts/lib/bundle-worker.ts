/** Bundles a Worker the way wrangler does (workerd export conditions, one ES module): for benches and tests that run workerd themselves. */
import { join } from "node:path";
import { build } from "esbuild";

export async function bundle(entry: string, outdir: string, name: string): Promise<string> {
  const outfile = join(outdir, `${name}.js`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "error",
  });
  return outfile;
}
