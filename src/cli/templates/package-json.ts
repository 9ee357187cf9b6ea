import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { NIMBUS_ROOT } from "../tools.ts";

/** The tools a new app needs to run, test and deploy, in the ranges Nimbus itself is tested with. */
const DEV_TOOLS = [
  "@cloudflare/vitest-plugin",
  "@cloudflare/workers-types",
  // drizzle's blob columns name Buffer in their types: without Node's types they wouldn't check.
  "@types/node",
  "drizzle-kit",
  // wrangler needs Node 22; npm scripts run on this one wherever the machine's Node is older.
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

/** Nimbus's own package.json: it ships with the package, so its ranges are the tested ones. */
export function nimbusPackage(): PackageJson {
  return JSON.parse(readFileSync(join(NIMBUS_ROOT, "package.json"), "utf8")) as PackageJson;
}

function rangeOf(name: string, nimbus: PackageJson): string {
  const range = nimbus.devDependencies?.[name] ?? nimbus.dependencies?.[name];
  if (!range) throw new Error(`nimbus-web's package.json names no version of ${name}`);
  return range;
}

/**
 * How the app names Nimbus: `^<this version>` by default; `--nimbus-version` takes a range, or
 * a path to a packed tarball (`npm pack`), which becomes an absolute `file:` spec.
 */
export function nimbusSpec(requested: string | undefined, cwd = process.cwd()): string {
  if (!requested) return `^${nimbusPackage().version}`;
  if (/\.(tgz|tar\.gz)$/.test(requested)) {
    const path = requested.startsWith("file:") ? requested.slice(5) : requested;
    return `file:${isAbsolute(path) ? path : resolve(cwd, path)}`;
  }
  return requested;
}

/**
 * The app's package.json. The app needs hono itself (its JSX runtime) and drizzle-orm
 * (drizzle-kit's peer), in the ranges Nimbus uses, so npm installs one copy of each.
 */
export function packageJson(name: string, nimbusVersion: string | undefined): string {
  const nimbus = nimbusPackage();
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
    dependencies: {
      "drizzle-orm": rangeOf("drizzle-orm", nimbus),
      hono: rangeOf("hono", nimbus),
      "nimbus-web": nimbusSpec(nimbusVersion),
    },
    devDependencies: Object.fromEntries(DEV_TOOLS.map((tool) => [tool, rangeOf(tool, nimbus)])),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
