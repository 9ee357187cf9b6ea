// workerd configs the runner writes for targets it starts on workerd without Miniflare.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const PEERS = join(import.meta.dirname, "../peers");

/** A Cap'n Proto text literal. */
function capnpText(text: string): string {
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
  return `"${escaped}"`;
}

function list(items: string[]): string {
  return `[\n    ${items.join(",\n    ")}\n  ]`;
}

export interface RawWorkerdSpec {
  dir: string;
  port: number;
  storageDir: string;
  schemaSql: string;
  seedCount: number;
  compatibilityDate: string;
}

const RAW_MODULES = [
  "raw-workerd/worker.mjs",
  "raw-workerd/link-input.mjs",
  "raw-workerd/session.mjs",
  "shared/link-json.mjs",
  "shared/page-html.mjs",
  "shared/live-list-script.mjs",
  "shared/page-query.mjs",
  "shared/seed-links.mjs",
  "shared/demo.mjs",
];

/** The raw-workerd peer: a fetch handler plus one SQLite-backed Durable Object on local disk. */
export function writeRawWorkerdConfig(spec: RawWorkerdSpec): string {
  const file = join(spec.dir, "raw-workerd.capnp");
  const modules = RAW_MODULES.map(
    (name) => `(name = "${name}", esModule = embed "${relative(spec.dir, join(PEERS, name))}")`,
  );
  writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "storage", disk = (path = ${capnpText(spec.storageDir)}, writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${spec.port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = ${list(modules)},
  compatibilityDate = "${spec.compatibilityDate}",
  bindings = [
    (name = "LINKS", durableObjectNamespace = "LinkStore"),
    (name = "SCHEMA", text = ${capnpText(spec.schemaSql)}),
    (name = "SEED_COUNT", json = "${spec.seedCount}"),
  ],
  durableObjectNamespaces = [(className = "LinkStore", uniqueKey = "bench-links", enableSql = true)],
  durableObjectStorage = (localDisk = "storage"),
);
`,
  );
  return file;
}

export interface BundleSpec {
  dir: string;
  name: string;
  port: number;
  bundle: string;
  /** wrangler's Miniflare options for the bundle's wrangler.toml (lib/bundle.ts). */
  workerOptions: Record<string, unknown>;
  /** Vars that replace wrangler.toml's. */
  vars: Record<string, string>;
}

/** Options this bare config reproduces; anything else needs Miniflare. */
const BARE_OPTIONS = new Set([
  "rootPath",
  "name",
  "compatibilityDate",
  "compatibilityFlags",
  "modulesRules",
  "bindings",
  "d1Databases",
  "durableObjects",
]);

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === "object") return Object.values(value).every(isEmpty);
  return false;
}

type DurableObjectOption = string | { className: string; useSQLite?: boolean; scriptName?: string };

/**
 * The bundle on bare workerd with its vars, Durable Objects and D1 bindings, as a node would run
 * it: D1 is workerd's own D1 client over a stub backend, enough for requests that never query
 * (cold starts answer /hello). Throws, naming them, when the Worker has other kinds of bindings.
 */
export function writeBundleConfig(spec: BundleSpec): string {
  const options = spec.workerOptions;
  const unsupported = Object.entries(options)
    .filter(([key, value]) => !BARE_OPTIONS.has(key) && !isEmpty(value))
    .map(([key]) => key);
  const objects = Object.entries(
    (options.durableObjects ?? {}) as Record<string, DurableObjectOption>,
  ).map(([binding, o]) => ({ binding, ...(typeof o === "string" ? { className: o } : o) }));
  if (objects.some((o) => "scriptName" in o && o.scriptName))
    unsupported.push("durableObjects in other Workers");
  if (unsupported.length > 0) {
    throw new Error(
      `bindings a bare workerd config here does not reproduce: ${unsupported.join(", ")}`,
    );
  }
  const vars = { ...((options.bindings ?? {}) as Record<string, unknown>), ...spec.vars };
  const bindings = [
    ...Object.entries(vars).map(([name, value]) =>
      typeof value === "string"
        ? `(name = "${name}", text = ${capnpText(value)})`
        : `(name = "${name}", json = ${capnpText(JSON.stringify(value))})`,
    ),
    ...Object.keys((options.d1Databases ?? {}) as object).map(
      (name) =>
        `(name = "${name}", wrapped = (moduleName = "cloudflare-internal:d1-api", innerBindings = [(name = "fetcher", service = "d1-stub")]))`,
    ),
    ...objects.map((o) => `(name = "${o.binding}", durableObjectNamespace = "${o.className}")`),
  ];
  const namespaces = objects.map(
    (o) =>
      `(className = "${o.className}", uniqueKey = "bench-${o.className}", enableSql = ${"useSQLite" in o && o.useSQLite === true})`,
  );
  const flags = ((options.compatibilityFlags ?? []) as string[]).map((f) => `"${f}"`).join(", ");
  const file = join(spec.dir, `${spec.name}.capnp`);
  mkdirSync(join(spec.dir, "objects"), { recursive: true });
  writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "d1-stub", worker = .d1Stub),
    (name = "objects", disk = (path = ${capnpText(join(spec.dir, "objects"))}, writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${spec.port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "${relative(spec.dir, spec.bundle)}")],
  compatibilityDate = "${String(options.compatibilityDate)}",
  compatibilityFlags = [${flags}],
  bindings = ${list(bindings)},
  durableObjectNamespaces = ${list(namespaces)},
  durableObjectStorage = (localDisk = "objects"),
);
const d1Stub :Workerd.Worker = (
  modules = [(name = "stub.js", esModule = "export default { fetch: () => new Response('no database in cold-start runs', { status: 503 }) };")],
  compatibilityDate = "${String(options.compatibilityDate)}",
);
`,
  );
  return file;
}
