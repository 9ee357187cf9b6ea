// workerd configs the runner writes for targets it starts on workerd without Miniflare.
import { writeFileSync } from "node:fs";
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
  "shared/link-json.mjs",
  "shared/page-html.mjs",
  "shared/page-query.mjs",
  "shared/seed-links.mjs",
  "shared/styles.mjs",
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
