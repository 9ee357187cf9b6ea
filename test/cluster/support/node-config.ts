/**
 * A bare workerd config for one app node of the gateway lab (the bundle, DATABASE_URL, and an
 * outbound network that may reach the lab's private addresses and loopback).
 */
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";

export interface NodeConfigSpec {
  dir: string;
  name: string;
  /** "address:port" the node listens on. */
  listen: string;
  /** The bundled Worker, in `dir`. */
  bundle: string;
  databaseUrl: string;
  /** The session cookie's signing key; the same on every node of a cluster. */
  sessionSecret: string;
}

export function writeNodeConfig(spec: NodeConfigSpec): string {
  const file = join(spec.dir, `${spec.name}.capnp`);
  writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "${spec.listen}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "${basename(spec.bundle)}")],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [
    (name = "DATABASE_URL", text = "${spec.databaseUrl}"),
    (name = "NIMBUS_ENV", text = "production"),
    (name = "SESSION_SECRET", text = "${spec.sessionSecret}"),
  ],
  globalOutbound = "internet",
);
`,
  );
  return file;
}
