import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AppBundle } from "./app-bundle.ts";
import { COORD_HOST_ENV, withCoordHost } from "./coord-node.ts";
import { type NodeDescription, nodeConfig } from "./node-config.ts";

/** Environment variables a node takes into its config as plain text (addresses, not secrets). */
export const NODE_VARS_FROM_ENV = [
  "DATABASE_URL",
  "DATABASE_REPLICA_URLS",
  "DATABASE_REPLICA_TIMEOUT_MS",
  "NIMBUS_TRUSTED_PROXIES",
] as const;

/** Secrets every node reads from its environment when workerd starts (never written to files). */
export const DEFAULT_SECRETS = ["DATABASE_AUTH_TOKEN", "SESSION_SECRET"] as const;

export interface NodeOptions {
  name: string;
  /** `host:port` workerd listens on. */
  address: string;
  storageDir: string;
  /** Values for the vars above and overrides of wrangler.toml's [vars] (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** More secrets to read from the environment at start (e.g. EDITOR_PASSWORD). */
  secrets?: readonly string[];
  /** Gateway addresses the node trusts for X-Forwarded-For / Forwarded. */
  trustedProxies?: readonly string[];
}

/** A node of this app: wrangler.toml's bindings plus what the environment says about the database. */
export function describeNode(app: AppBundle, options: NodeOptions): NodeDescription {
  const env = options.env ?? process.env;
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(app.vars)) vars[name] = env[name] ?? value;
  for (const name of NODE_VARS_FROM_ENV) {
    const value = env[name];
    if (value) vars[name] = value;
  }
  if (options.trustedProxies?.length)
    vars.NIMBUS_TRUSTED_PROXIES = options.trustedProxies.join(",");
  const node: NodeDescription = {
    name: options.name,
    address: options.address,
    modules: app.modules,
    appName: app.appName,
    compatibilityDate: app.compatibilityDate,
    compatibilityFlags: app.compatibilityFlags,
    vars,
    secrets: [...new Set([...DEFAULT_SECRETS, ...(options.secrets ?? [])])],
    durableObjects: app.durableObjects,
    storageDir: options.storageDir,
    assets: app.assets,
  };
  // With a coordination host, nimbus/coord's objects live there, one owner for every node.
  const coordHost = env[COORD_HOST_ENV];
  return coordHost ? withCoordHost(node, coordHost) : node;
}

/** Writes the node's config to `file` (and makes its storage folder); returns the path. */
export function writeNodeConfig(node: NodeDescription, file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  mkdirSync(node.storageDir, { recursive: true });
  writeFileSync(file, nodeConfig(node, file));
  return file;
}

/** Where a build puts things: the bundle and one config per node. */
export function buildPaths(outdir: string): { bundle: string; config(name: string): string } {
  return {
    bundle: join(outdir, "bundle"),
    config: (name) => join(outdir, `${name}.capnp`),
  };
}
