/**
 * One app node's workerd configuration (Cap'n Proto text), generated from a description so
 * nobody hand-writes capnp. The node starts with plain `workerd serve <file>`.
 */
import { dirname, relative, resolve } from "node:path";
import { list, text } from "./capnp.ts";

export type ModuleType = "esModule" | "commonJsModule" | "wasm" | "data" | "text" | "json";

/** One file of the bundle `wrangler deploy` would upload. */
export interface WorkerModule {
  /** The module's name inside the Worker (its path in the bundle folder). */
  name: string;
  /** Where the file is on disk. */
  path: string;
  type: ModuleType;
}

/** A Durable Object class the Worker exports, with the binding that reaches it. */
export interface DurableObjectBinding {
  binding: string;
  className: string;
  /** SQLite-backed (wrangler's `new_sqlite_classes`). */
  sql: boolean;
}

/** Everything a node's config is made from. */
export interface NodeDescription {
  /** Node name (`node-1`): the X-Nimbus-Node header, the gateway's server name. */
  name: string;
  /** Where workerd listens for HTTP: `host:port` (`*:8080` for every interface). */
  address: string;
  /** The bundle, main module first. */
  modules: readonly WorkerModule[];
  /** A unique prefix for Durable Object keys (the app's name): the same on every node. */
  appName: string;
  compatibilityDate: string;
  compatibilityFlags: readonly string[];
  /** Text bindings: wrangler.toml's [vars], DATABASE_URL and replicas, NIMBUS_TRUSTED_PROXIES. */
  vars: Readonly<Record<string, string>>;
  /** Bindings read from the process environment when workerd starts (secrets stay out of the file). */
  secrets: readonly string[];
  durableObjects: readonly DurableObjectBinding[];
  /** Folder for this node's Durable Object storage (localDisk). */
  storageDir: string;
  /** Static assets served before the app (wrangler.toml [assets]). */
  assets?: { dir: string; binding?: string | undefined } | undefined;
  /**
   * More services and Worker bindings, as capnp text: the seam for extensions such as the
   * coordination host's address (`(name = "coord", external = (address = "…", http = ()))`).
   */
  extraServices?: readonly string[];
  extraBindings?: readonly string[];
}

/** The env var through which a node's supervisor hands workerd the load-report token. */
export const NODE_TOKEN_ENV = "NIMBUS_NODE_TOKEN";

// Serves files from the assets folder (GET/HEAD) and passes everything else to the app.
const ASSETS_ROUTER = `export default {
  async fetch(request, env) {
    if (request.method === "GET" || request.method === "HEAD") {
      const path = new URL(request.url).pathname;
      if (!path.endsWith("/") && !path.includes("/.")) {
        const found = await env.FILES.fetch(request);
        if (found.status !== 404 && found.status !== 405) return found;
      }
    }
    return env.APP.fetch(request);
  },
};`;

function moduleLine(module: WorkerModule, configDir: string): string {
  const path = relative(configDir, resolve(module.path));
  return `(name = ${text(module.name)}, ${module.type} = embed ${text(path)})`;
}

/**
 * The capnp text of one node's workerd config. `configFile` is where it will be written: the
 * bundle is embedded by paths relative to it, so a build folder can be copied to another machine.
 */
export function nodeConfig(node: NodeDescription, configFile: string): string {
  const configDir = dirname(resolve(configFile));
  if (node.modules.length === 0) throw new Error(`node ${node.name}: the bundle has no modules`);
  const vars = { ...node.vars, NIMBUS_NODE_NAME: node.name };
  const secretNames = new Set([...node.secrets, NODE_TOKEN_ENV]);
  const bindings = [
    ...Object.entries(vars)
      .filter(([name]) => !secretNames.has(name))
      .map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`),
    ...[...secretNames].map((name) => `(name = ${text(name)}, fromEnvironment = ${text(name)})`),
    ...node.durableObjects.map(
      (o) => `(name = ${text(o.binding)}, durableObjectNamespace = ${text(o.className)})`,
    ),
    ...(node.assets?.binding
      ? [`(name = ${text(node.assets.binding)}, service = "assets-files")`]
      : []),
    ...(node.extraBindings ?? []),
  ];
  const namespaces = node.durableObjects.map(
    (o) =>
      `(className = ${text(o.className)}, uniqueKey = ${text(`${node.appName}-${o.className}`)}, enableSql = ${o.sql})`,
  );
  const entry = node.assets ? "assets-router" : "app";
  const services = [
    `(name = "app", worker = .app)`,
    `(name = "storage", disk = (path = ${text(resolve(node.storageDir))}, writable = true))`,
    // workerd's default outbound reaches public addresses only; a node's database, replicas and
    // coordination host live on private networks or loopback.
    `(name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true)))`,
    ...(node.assets
      ? [
          `(name = "assets-files", disk = (path = ${text(resolve(node.assets.dir))}))`,
          `(name = "assets-router", worker = .assetsRouter)`,
        ]
      : []),
    ...(node.extraServices ?? []),
  ];
  const flags = node.compatibilityFlags.map(text).join(", ");
  const router = node.assets
    ? `
const assetsRouter :Workerd.Worker = (
  modules = [(name = "router.js", esModule = ${text(ASSETS_ROUTER)})],
  compatibilityDate = ${text(node.compatibilityDate)},
  bindings = [(name = "FILES", service = "assets-files"), (name = "APP", service = "app")],
);
`
    : "";
  return `# workerd configuration of node ${node.name}, generated by \`nimbus build\`: start it with
#   workerd serve ${resolve(configFile)}
# Secrets come from the environment: ${[...secretNames].join(", ")}.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = ${list(services)},
  sockets = [(name = "http", address = ${text(node.address)}, http = (), service = ${text(entry)})],
);

const app :Workerd.Worker = (
  modules = ${list(node.modules.map((m) => moduleLine(m, configDir)))},
  compatibilityDate = ${text(node.compatibilityDate)},
  compatibilityFlags = [${flags}],
  bindings = ${list(bindings)},
  durableObjectNamespaces = ${list(namespaces)},
  durableObjectStorage = (localDisk = "storage"),
);
${router}`;
}
