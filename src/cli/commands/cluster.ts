import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CoordHostSpec, runCoordHost } from "../../node/cluster/coord-host.ts";
import { startGateways } from "../../node/cluster/gateway/redundant.ts";
import {
  type ClusterOptions,
  clusterDown,
  clusterStatus,
  clusterUp,
  startNode,
  stopNode,
} from "../../node/cluster/local/cluster.ts";
import { clusterDir, readState } from "../../node/cluster/local/state.ts";
import type { NodeSpec } from "../../node/cluster/node/spec.ts";
import { runNode } from "../../node/cluster/node/supervisor.ts";
import { machinesWith, planNodes } from "../../node/cluster/plan/plan.ts";
import { defineCommand } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { say, step } from "../progress.ts";
import { findProject } from "../project.ts";
import { nameList } from "./build.ts";
import { readPlanFile, runClusterExport } from "./cluster-export.ts";

const SUBCOMMANDS = [
  "up",
  "status",
  "add-node",
  "remove-node",
  "down",
  "export",
  "node",
  "coord-host",
] as const;

/** This CLI, as background processes run it: the same Node, the same main.js. */
function cliCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL("../main.js", import.meta.url))];
}

function count(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`${flag} ${value}: a whole number from 1 to ${max}.`);
  return n;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function running(dir: string) {
  const state = readState(dir);
  if (!state)
    throw new CliError("No cluster is running here.", {
      hint: "Start one: npx nimbus cluster up --nodes 2",
    });
  return state;
}

export const clusterCommand = defineCommand({
  name: "cluster",
  summary: "Run the app on workerd nodes behind an HAProxy gateway on this machine",
  usage: "nimbus cluster <up|status|add-node|remove-node|down|export> [options]",
  description: [
    "up           start the database, the gateway(s) and N workerd nodes; prints the gateway address",
    "status       one line per node and gateway: state, weight, in-flight, requests, errors",
    "add-node     start one more node; it checks in with every gateway",
    "remove-node  drain a node (in-flight requests finish, no new ones), then stop it",
    "down         stop everything `up` started (recorded in .nimbus/cluster/state.json)",
    "export       write every machine's files (haproxy.cfg, keepalived.conf, workerd configs,",
    "             systemd units) from a cluster plan: --plan cluster.json --out deploy",
    "",
    "Each node is `workerd serve` on a config `nimbus build` generates, with a small supervisor that",
    "answers HAProxy's agent-check with a weight from the node's load, checks the node in through",
    "HAProxy's runtime API and drains it on the way out.",
  ].join("\n"),
  options: {
    nodes: { type: "string", placeholder: "n", description: "up: app nodes (default 2)" },
    gateways: { type: "string", placeholder: "n", description: "up: gateways (default 1)" },
    mode: {
      type: "string",
      placeholder: "vrrp|active-active",
      description: "up: how 2+ gateways share the work (default vrrp)",
    },
    db: {
      type: "string",
      placeholder: "single|mirrored",
      description: "up: the database (default single)",
    },
    port: {
      type: "string",
      placeholder: "port",
      description: "up: the gateway's port (default: a free one)",
    },
    name: {
      type: "string",
      placeholder: "node",
      description: "remove-node: which node (default the newest)",
    },
    secrets: {
      type: "string",
      placeholder: "A,B",
      description: "up/add-node: more bindings every node reads from the environment",
    },
    dir: {
      type: "string",
      placeholder: "dir",
      description: "Where the cluster keeps its files and state (default .nimbus/cluster)",
    },
    spec: {
      type: "string",
      placeholder: "file",
      description: "node, coord-host: the supervisor's spec (internal)",
    },
    plan: {
      type: "string",
      placeholder: "file",
      description:
        "export, up: the cluster plan (machines and their roles; up runs it on this machine)",
    },
    out: { type: "string", placeholder: "dir", description: "export: where the files go" },
  },
  examples: [
    "npx nimbus cluster up --nodes 2",
    "npx nimbus cluster status",
    "npx nimbus cluster add-node",
    "npx nimbus cluster remove-node --name node-2",
    "npx nimbus cluster down",
    "npx nimbus cluster export --plan cluster.json --out deploy",
  ],
  async run(positionals, flags) {
    const [sub, ...rest] = positionals;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub) || rest.length > 0) {
      throw new UsageError(
        sub ? `Unknown cluster command "${positionals.join(" ")}".` : "cluster needs a command.",
        "cluster commands: up, status, add-node, remove-node, down, export.",
      );
    }
    if (sub === "node") {
      if (!flags.spec) throw new UsageError("cluster node needs --spec FILE.");
      return runNode(JSON.parse(readFileSync(flags.spec, "utf8")) as NodeSpec);
    }
    if (sub === "coord-host") {
      if (!flags.spec) throw new UsageError("cluster coord-host needs --spec FILE.");
      return runCoordHost(JSON.parse(readFileSync(flags.spec, "utf8")) as CoordHostSpec);
    }
    if (sub === "export") return runClusterExport(flags.plan, flags.out);
    const project = findProject();
    const dir = resolve(flags.dir ?? clusterDir(project.root));
    const base: ClusterOptions = {
      root: project.root,
      dir,
      migrationsDir: project.migrationsDir,
      cli: cliCommand(),
      progress: { step, say },
      secrets: nameList(flags.secrets),
    };
    switch (sub) {
      case "up": {
        // A plan runs on this machine too: its gateways and nodes, loopback standing in for machines.
        const plan = flags.plan ? readPlanFile(resolve(flags.plan)) : undefined;
        const mode = flags.mode ?? plan?.gateway.mode ?? "vrrp";
        if (mode !== "vrrp" && mode !== "active-active")
          throw new UsageError(`--mode ${mode}: vrrp or active-active.`);
        const db = flags.db ?? (plan?.database.engine === "mirrored" ? "mirrored" : "single");
        if (db !== "single" && db !== "mirrored")
          throw new UsageError(`--db ${db}: single or mirrored.`);
        const state = await clusterUp({
          ...base,
          nodes: count(flags.nodes, "--nodes", plan ? planNodes(plan).length : 2, 64),
          gateways: count(
            flags.gateways,
            "--gateways",
            plan ? Math.min(8, machinesWith(plan, "gateway").length) : 1,
            8,
          ),
          mode,
          db,
          launchGateways: startGateways,
          ...(flags.port ? { port: count(flags.port, "--port", 0, 65535) } : {}),
        }).catch((error: Error) => {
          throw new CliError(`cluster up failed: ${error.message}`, {
            hint: "Logs are in .nimbus/cluster/ (database/, gateways/, nodes/).",
          });
        });
        say("");
        for (const gateway of state.gateways) say(`Gateway ${gateway.name}: ${gateway.url}`);
        say(
          `${state.nodes.length} node(s) up. \`nimbus cluster status\` shows them; \`nimbus cluster down\` stops it all.`,
        );
        return;
      }
      case "status": {
        const state = running(dir);
        const rows = await clusterStatus(state);
        say(
          `Gateways: ${state.gateways.map((g) => g.url).join(", ")}   database: ${state.database.url}`,
        );
        say(
          table([
            ["node", "gateway", "state", "weight", "in-flight", "requests", "errors"],
            ...rows.map((r) => [
              r.node,
              r.gateway,
              r.state,
              String(r.weight),
              String(r.inFlight),
              String(r.requests),
              String(r.errors),
            ]),
          ]),
        );
        return;
      }
      case "add-node": {
        const state = running(dir);
        const node = await startNode(state, base);
        say(`${node.name} is up at every gateway.`);
        return;
      }
      case "remove-node": {
        const state = running(dir);
        const name = flags.name ?? state.nodes.at(-1)?.name;
        if (!name) throw new CliError("The cluster has no nodes left to remove.");
        await stopNode(state, name, base.progress).catch((error: Error) => {
          throw new CliError(error.message);
        });
        say(`${name} drained and stopped; ${state.nodes.length} node(s) left.`);
        return;
      }
      case "down":
        await clusterDown(dir, base.progress);
        say("Cluster stopped.");
        return;
    }
  },
});
