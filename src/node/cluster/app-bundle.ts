/**
 * The app as `wrangler deploy` would ship it: the bundle (wrangler's own `deploy --dry-run`)
 * and what its wrangler.toml says a node needs (compatibility, vars, Durable Objects, assets).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, extname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DurableObjectBinding, ModuleType, WorkerModule } from "./node-config.ts";

export interface AppBundle {
  appName: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  durableObjects: DurableObjectBinding[];
  assets?: { dir: string; binding?: string | undefined } | undefined;
  /** Main module first. */
  modules: WorkerModule[];
  /** What a self-hosted node does differently from the edge, said once at build time. */
  warnings: string[];
  /** wrangler.toml `[triggers] crons`: fired by the coordination host on a cluster. */
  crons?: string[];
}

/** The parts of wrangler's resolved config read here. */
interface WranglerConfig {
  name?: string;
  main?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
  durable_objects?: { bindings?: { name: string; class_name: string; script_name?: string }[] };
  migrations?: { new_sqlite_classes?: string[] }[];
  assets?: { directory?: string; binding?: string };
  d1_databases?: { binding: string }[];
  kv_namespaces?: { binding: string }[];
  r2_buckets?: { binding: string }[];
  queues?: { producers?: { binding: string }[] };
  services?: { binding: string }[];
  triggers?: { crons?: string[] };
}

/** wrangler from the app's own node_modules: tools always come from the app. */
function wranglerOf(root: string): string {
  try {
    return createRequire(join(root, "package.json")).resolve("wrangler");
  } catch {
    throw new Error(`wrangler is not installed in ${root}: run \`npm install\` in the app first.`);
  }
}

export async function readWranglerConfig(
  root: string,
  configPath: string,
): Promise<WranglerConfig> {
  const wrangler = (await import(pathToFileURL(wranglerOf(root)).href)) as {
    unstable_readConfig(args: { config: string }): WranglerConfig;
  };
  return wrangler.unstable_readConfig({ config: configPath });
}

const TYPES: Record<string, ModuleType> = {
  ".js": "esModule",
  ".mjs": "esModule",
  ".cjs": "commonJsModule",
  ".wasm": "wasm",
  ".bin": "data",
  ".txt": "text",
  ".html": "text",
  ".sql": "text",
  ".json": "json",
};

function bundleModules(outdir: string, main: string): WorkerModule[] {
  const files = readdirSync(outdir, { recursive: true, encoding: "utf8" }).filter(
    (file) =>
      statSync(join(outdir, file)).isFile() && !file.endsWith(".map") && file !== "README.md",
  );
  const modules = files.map((file) => {
    const type = TYPES[extname(file)];
    if (!type) throw new Error(`wrangler wrote ${file}, a module type Nimbus cannot name`);
    return { name: file.split("\\").join("/"), path: join(outdir, file), type };
  });
  const mainName = `${basename(main, extname(main))}.js`;
  const first =
    modules.find((m) => m.name === mainName) ?? modules.find((m) => m.type === "esModule");
  if (!first) throw new Error(`wrangler left no JavaScript module in ${outdir}`);
  return [first, ...modules.filter((m) => m !== first)];
}

function run(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile(
      file,
      args,
      {
        cwd,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", DO_NOT_TRACK: "1" },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        error ? fail(new Error(`wrangler ${args.join(" ")} failed:\n${stdout}${stderr}`)) : done(),
    );
  });
}

/** Bundles the app into `outdir` with `wrangler deploy --dry-run` and reads its wrangler.toml. */
export async function bundleApp(
  root: string,
  outdir: string,
  configPath = join(root, "wrangler.toml"),
): Promise<AppBundle> {
  rmSync(outdir, { recursive: true, force: true });
  const wranglerBin = join(wranglerOf(root).replace(/wrangler-dist.*$/, ""), "bin", "wrangler.js");
  await run(
    process.execPath,
    [wranglerBin, "deploy", "--dry-run", "--outdir", outdir, "--config", configPath],
    root,
  );
  return describeBundle(root, outdir, configPath);
}

/** What a node needs to serve a bundle wrangler already wrote to `outdir` from `configPath`. */
export async function describeBundle(
  root: string,
  outdir: string,
  configPath = join(root, "wrangler.toml"),
): Promise<AppBundle> {
  const config = await readWranglerConfig(root, configPath);
  const sqlClasses = new Set((config.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  const warnings: string[] = [];
  const durableObjects: DurableObjectBinding[] = [];
  for (const o of config.durable_objects?.bindings ?? []) {
    if (o.script_name) {
      warnings.push(
        `Durable Object binding ${o.name} names another Worker (${o.script_name}): left out`,
      );
      continue;
    }
    durableObjects.push({
      binding: o.name,
      className: o.class_name,
      sql: sqlClasses.has(o.class_name),
    });
  }
  const unsupported = [
    ...(config.kv_namespaces ?? []).map((b) => `KV ${b.binding}`),
    ...(config.r2_buckets ?? []).map((b) => `R2 ${b.binding}`),
    ...(config.queues?.producers ?? []).map((b) => `queue ${b.binding}`),
    ...(config.services ?? []).map((b) => `service ${b.binding}`),
  ];
  if (unsupported.length > 0)
    warnings.push(`bindings a self-hosted node does not have: ${unsupported.join(", ")}`);
  const d1 = (config.d1_databases ?? []).map((b) => b.binding);
  if (d1.length > 0)
    warnings.push(
      `D1 (${d1.join(", ")}) exists only on Cloudflare: nodes query libSQL at DATABASE_URL`,
    );
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars ?? {}))
    vars[name] = typeof value === "string" ? value : JSON.stringify(value);
  const assetsDir = config.assets?.directory;
  const main = config.main ?? "worker.js";
  return {
    appName: config.name ?? basename(root),
    compatibilityDate: config.compatibility_date ?? "2026-11-01",
    compatibilityFlags: config.compatibility_flags ?? [],
    vars,
    durableObjects,
    assets:
      assetsDir && existsSync(resolve(root, assetsDir))
        ? { dir: resolve(root, assetsDir), binding: config.assets?.binding }
        : undefined,
    modules: bundleModules(outdir, relative(root, main)),
    warnings,
    crons: config.triggers?.crons ?? [],
  };
}
