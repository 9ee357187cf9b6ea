// workerd configs for the coordination host and for the app nodes' binding to it. The host owns
// the Durable Object classes and their storage (localDisk: one directory, one process); nodes get
// a service binding to it under the same names, and nimbus/coord picks the HTTP transport.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";

/** A Cap'n Proto text literal. */
export function capnpText(text: string): string {
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
  return `"${escaped}"`;
}

/** The Durable Object classes nimbus/coord binds, by binding name. */
export const COORD_CLASSES = {
  NIMBUS_COORDINATOR: "NimbusCoordinator",
  NIMBUS_ROOM: "NimbusRoom",
  NIMBUS_CRON_CLOCK: "NimbusCronClock",
} as const;

export interface CoordHostConfig {
  /** Where to write the `.capnp` file; the bundle is embedded relative to it. */
  file: string;
  /** The host's bundle (`bundleCoordHost`). */
  bundle: string;
  /** The Durable Objects' SQLite files: this host's alone, never shared with another process. */
  storageDir: string;
  /** `host:port` the nodes reach the host at; keep it on a private network. */
  address: string;
  compatibilityDate: string;
  compatibilityFlags?: string[];
  /** Text bindings: the app's vars and secrets (jobs and cron tasks run here with them), `NIMBUS_COORD_TOKEN`. */
  vars?: Record<string, string>;
  /** wrangler.toml `[triggers] crons`: the host fires `scheduled` for them. */
  crons?: string[];
  /** More bindings and services in Cap'n Proto text (a D1 database, for instance). */
  extraBindings?: string[];
  extraServices?: string[];
  /** Unique key prefix of the namespaces: keep it stable, object ids derive from it. */
  uniqueKeyPrefix?: string;
}

const list = (items: string[]) => `[\n    ${items.join(",\n    ")}\n  ]`;

/** Writes the coordination host's workerd config; returns its path. */
export function writeCoordHostConfig(spec: CoordHostConfig): string {
  const prefix = spec.uniqueKeyPrefix ?? "nimbus";
  const vars = { ...spec.vars, NIMBUS_CRONS: JSON.stringify(spec.crons ?? []) };
  const bindings = [
    ...Object.entries(vars).map(
      ([name, value]) => `(name = "${name}", text = ${capnpText(value)})`,
    ),
    ...Object.entries(COORD_CLASSES).map(
      ([name, className]) => `(name = "${name}", durableObjectNamespace = "${className}")`,
    ),
    ...(spec.extraBindings ?? []),
  ];
  const namespaces = Object.values(COORD_CLASSES).map(
    (className) =>
      `(className = "${className}", uniqueKey = "${prefix}-${className}", enableSql = true)`,
  );
  const flags = (spec.compatibilityFlags ?? []).map((f) => capnpText(f)).join(", ");
  mkdirSync(dirname(spec.file), { recursive: true });
  mkdirSync(spec.storageDir, { recursive: true });
  writeFileSync(
    spec.file,
    `# The coordination host: owns nimbus/coord's Durable Objects for every app node.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "host", worker = .host),
    (name = "objects", disk = (path = ${capnpText(spec.storageDir)}, writable = true)),
    # Jobs and cron tasks may reach the database and other hosts on the private network.
    (name = "internet", network = (allow = ["public", "private", "local"])),${(spec.extraServices ?? []).map((s) => `\n    ${s},`).join("")}
  ],
  sockets = [(name = "coord", address = ${capnpText(spec.address)}, http = (), service = "host")],
);
const host :Workerd.Worker = (
  modules = [(name = "host.js", esModule = embed ${capnpText(relative(dirname(spec.file), spec.bundle))})],
  compatibilityDate = ${capnpText(spec.compatibilityDate)},
  compatibilityFlags = [${flags}],
  bindings = ${list(bindings)},
  durableObjectNamespaces = ${list(namespaces)},
  durableObjectStorage = (localDisk = "objects"),
);
`,
  );
  return spec.file;
}

/** What an app node's config needs to reach the coordination host, in Cap'n Proto text. */
export interface NodeCoordBindings {
  /** Add to the config's `services`. */
  services: string[];
  /** Add to the app worker's `bindings` (in place of Durable Object namespace bindings). */
  bindings: string[];
}

/**
 * The service and bindings that point an app node's `NIMBUS_COORDINATOR` and `NIMBUS_ROOM` at
 * the coordination host at `address`. The node keeps no Durable Object storage of its own.
 */
export function nodeCoordBindings(address: string, token?: string): NodeCoordBindings {
  return {
    services: [
      `(name = "nimbus-coord-host", external = (address = ${capnpText(address)}, http = ()))`,
    ],
    bindings: [
      `(name = "NIMBUS_COORDINATOR", service = "nimbus-coord-host")`,
      `(name = "NIMBUS_ROOM", service = "nimbus-coord-host")`,
      ...(token ? [`(name = "NIMBUS_COORD_TOKEN", text = ${capnpText(token)})`] : []),
    ],
  };
}
