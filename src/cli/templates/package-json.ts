import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NIMBUS_ROOT } from "../tools.ts";

/** The tools a new app needs to run, test and deploy, in the versions this checkout uses. */
const DEV_TOOLS = [
  "@cloudflare/vitest-plugin",
  "@cloudflare/workers-types",
  // drizzle-zod's types name Buffer: without Node's types, every column's rule would take a Buffer.
  "@types/node",
  "drizzle-kit",
  "node",
  "typescript",
  "vitest",
  "wrangler",
] as const;

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

/** The version installed in this checkout, exactly; else the range its package.json asks for. */
function versionOf(name: string, nimbus: PackageJson): string {
  const installed = join(NIMBUS_ROOT, "node_modules", name, "package.json");
  if (existsSync(installed)) return readJson(installed).version;
  const range = nimbus.devDependencies?.[name] ?? nimbus.dependencies?.[name];
  if (!range)
    throw new Error(`the Nimbus checkout at ${NIMBUS_ROOT} has no ${name} in package.json`);
  return range;
}

/**
 * The app's package.json. Nimbus comes from this checkout (a `file:` link) unless a published
 * version is asked for. The app needs hono itself (its JSX runtime) and drizzle-orm (drizzle-kit's
 * peer); with a link, both point at the checkout's copies, so the app and the framework share one
 * of each, as a published install's deduplication would give.
 */
export function packageJson(name: string, nimbusVersion: string | undefined): string {
  const nimbus = readJson(join(NIMBUS_ROOT, "package.json"));
  const shared = (pkg: string) =>
    nimbusVersion
      ? (nimbus.dependencies?.[pkg] ?? "*")
      : `file:${join(NIMBUS_ROOT, "node_modules", pkg)}`;
  const dependencies = {
    "drizzle-orm": shared("drizzle-orm"),
    hono: shared("hono"),
    "nimbus-web": nimbusVersion ?? `file:${NIMBUS_ROOT.replace(/\/$/, "")}`,
  };
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      start: "nimbus dev",
      test: "vitest run",
      check: "tsc -p .",
      deploy: "nimbus deploy",
    },
    dependencies,
    devDependencies: Object.fromEntries(DEV_TOOLS.map((tool) => [tool, versionOf(tool, nimbus)])),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
