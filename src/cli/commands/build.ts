import { join, relative, resolve } from "node:path";
import { bundleApp } from "../../node/cluster/app-bundle.ts";
import { buildPaths, describeNode, writeNodeConfig } from "../../node/cluster/describe-node.ts";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { assertProductionReady } from "../production-check.ts";
import { say, step } from "../progress.ts";
import { findProject } from "../project.ts";

/** `host:port` with a valid port, or a usage error naming the flag. */
export function parseAddress(value: string, flag: string): string {
  const match = /^(.*):(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} ${value} is not host:port (e.g. 127.0.0.1:8080 or *:8080).`);
  return value;
}

/** Comma- or space-separated names. */
export function nameList(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

export const buildCommand = defineCommand({
  name: "build",
  summary: "Bundle the app as wrangler deploy would and write a workerd config for a node",
  usage: "nimbus build [--outdir build] [--listen 127.0.0.1:8080] [--name node-1]",
  description: [
    "Writes the bundle `wrangler deploy` would upload (bundle/) and a generated workerd",
    "configuration for one self-hosted node (<name>.capnp): the socket, wrangler.toml's vars and",
    "Durable Objects (on local disk), static assets, and from the environment DATABASE_URL,",
    "DATABASE_REPLICA_URLS and NIMBUS_TRUSTED_PROXIES. Secrets (DATABASE_AUTH_TOKEN,",
    "SESSION_SECRET and --secrets) are read from workerd's environment when it starts, never",
    "written to the file. With NIMBUS_COORD_HOST=host:port the node reaches nimbus/coord's objects",
    "on that coordination host (token: NIMBUS_COORD_TOKEN) instead of keeping its own copies.",
    "Start the node with: workerd serve build/node-1.capnp",
  ].join("\n"),
  options: {
    outdir: { type: "string", placeholder: "dir", description: "Output folder (default build)" },
    listen: {
      type: "string",
      placeholder: "host:port",
      description:
        "Where the node serves HTTP (default 127.0.0.1:8080; *:8080 for every interface)",
    },
    name: { type: "string", placeholder: "name", description: "Node name (default node-1)" },
    storage: {
      type: "string",
      placeholder: "dir",
      description: "Durable Object storage folder (default <outdir>/storage/<name>)",
    },
    secrets: {
      type: "string",
      placeholder: "A,B",
      description: "More bindings to read from the environment at start (e.g. EDITOR_PASSWORD)",
    },
    "trusted-proxies": {
      type: "string",
      placeholder: "ips",
      description: "Gateway addresses trusted for X-Forwarded-For (NIMBUS_TRUSTED_PROXIES)",
    },
  },
  examples: [
    "npx nimbus build",
    "DATABASE_URL=http://10.0.0.5:8080 npx nimbus build --listen '*:8080' --name web-1",
  ],
  async run(positionals, flags) {
    if (positionals.length > 0)
      throw new UsageError(`build takes no arguments; got ${positionals.join(" ")}.`);
    const project = findProject();
    const outdir = resolve(project.root, flags.outdir ?? "build");
    const name = flags.name ?? "node-1";
    if (!/^[A-Za-z0-9][\w.-]*$/.test(name))
      throw new UsageError(`--name ${name}: use letters, digits, dots, dashes and underscores.`);
    const address = parseAddress(flags.listen ?? "127.0.0.1:8080", "--listen");
    const paths = buildPaths(outdir);
    const app = await step("Bundling (wrangler deploy --dry-run)", () =>
      bundleApp(project.root, paths.bundle, project.configPath),
    );
    for (const warning of app.warnings) say(`Note: ${warning}`);
    // SESSION_SECRET is always read from the node's environment (never written to the config);
    // what can be wrong at build time is development mode or a secret in wrangler.toml's [vars].
    assertProductionReady(app.vars);
    const node = describeNode(app, {
      name,
      address,
      storageDir: resolve(flags.storage ?? join(outdir, "storage", name)),
      secrets: nameList(flags.secrets),
      trustedProxies: nameList(flags["trusted-proxies"]),
    });
    const file = writeNodeConfig(node, paths.config(name));
    if (!node.vars.DATABASE_URL)
      say("Note: DATABASE_URL is not set: the node has no database (set it and build again).");
    const shown = (path: string) =>
      relative(process.cwd(), path).startsWith("..") ? path : relative(process.cwd(), path);
    say(`Wrote ${shown(paths.bundle)}/ and ${shown(file)}`);
    say(`Start the node: workerd serve ${shown(file)}`);
  },
});
