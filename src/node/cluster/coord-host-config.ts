// The coordination host's workerd config, and what points app nodes at it. The host is described
// like a node (same generator, same bindings and secrets, so jobs and cron tasks see the app's
// env) but it owns nimbus/coord's Durable Objects on its own disk; nodes get a service binding
// to it under the same names instead, and nimbus/coord picks the HTTP transport.
import type { AppBundle } from "./app-bundle.ts";
import { text } from "./capnp.ts";
import { HOST_ENTRY } from "./coord-host-bundle.ts";
import { COORD_CLASSES, COORD_HOST_ENV, COORD_TOKEN_ENV } from "./coord-node.ts";
import { describeNode } from "./describe-node.ts";
import type { DurableObjectBinding, NodeDescription } from "./node-config.ts";

/** The host's cron clock (fires `scheduled` once per tick for the whole cluster). */
export const CRON_CLOCK: DurableObjectBinding = {
  binding: "NIMBUS_CRON_CLOCK",
  className: "NimbusCronClock",
  sql: true,
};

export interface CoordHostOptions {
  /** `host:port` the host serves the nodes on: a private network only. */
  address: string;
  /** The Durable Objects' SQLite files: this host's alone, never shared with another process. */
  storageDir: string;
  /** The host's entry (`bundleCoordHostEntry`), imported before the app's modules. */
  entry: string;
  /** wrangler.toml `[triggers] crons`: the host fires `scheduled` for them. */
  crons?: readonly string[];
  /** Values for the app's vars and the database (as for a node; default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** More secrets to read from the environment at start. */
  secrets?: readonly string[];
}

/** The coordination host as a workerd service: the app's bundle behind the host's entry. */
export function describeCoordHost(app: AppBundle, options: CoordHostOptions): NodeDescription {
  const { [COORD_HOST_ENV]: _ignored, ...env } = options.env ?? process.env;
  const node = describeNode(app, {
    name: "coord-host",
    address: options.address,
    storageDir: options.storageDir,
    env,
    secrets: [...(options.secrets ?? []), COORD_TOKEN_ENV],
  });
  const present = new Set(app.durableObjects.map((o) => o.className));
  const missing = COORD_CLASSES.filter((c) => !present.has(c));
  if (missing.includes("NimbusCoordinator")) {
    throw new Error(
      "the app binds no NimbusCoordinator Durable Object: add nimbus/coord's bindings to wrangler.toml (see nimbus-web/coord's README) or run without a coordination host",
    );
  }
  return {
    ...node,
    modules: [{ name: HOST_ENTRY, path: options.entry, type: "esModule" }, ...app.modules],
    durableObjects: [...app.durableObjects, CRON_CLOCK],
    assets: undefined,
    extraBindings: [
      ...(node.extraBindings ?? []),
      `(name = "NIMBUS_CRONS", text = ${text(JSON.stringify(options.crons ?? []))})`,
    ],
  };
}
