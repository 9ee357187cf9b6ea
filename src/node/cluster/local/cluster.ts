/**
 * A whole cluster on one machine: the database, the coordination host (when one is plugged in),
 * the gateway(s) and N workerd nodes, each a background process recorded in the state file.
 * The steps are functions with seams (gateways, coordination, database) other parts plug into.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrate, openLibsql } from "../../migrate/index.ts";
import { type AppBundle, bundleApp } from "../app-bundle.ts";
import { describeNode, writeNodeConfig } from "../describe-node.ts";
import { BACKEND } from "../gateway/haproxy-config.ts";
import { type ServerStat, serverStats } from "../gateway/runtime-api.ts";
import { startHaproxyGateway } from "../gateway/start-haproxy.ts";
import { leave } from "../node/check-in.ts";
import type { NodeSpec } from "../node/spec.ts";
import type { NodeDescription } from "../node-config.ts";
import { workerdBinary } from "../workerd-binary.ts";
import { startCoordinationHost } from "./coordination.ts";
import { freePort, isAlive, startDetached, stopGroup, waitForPort } from "./processes.ts";
import {
  type ClusterState,
  type GatewayRecord,
  type NodeRecord,
  type ProcessRecord,
  readState,
  statePath,
  writeState,
} from "./state.ts";

/** How a command shows its steps (the CLI's spinner, or plain lines in tests and scripts). */
export interface Progress {
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
  say(message: string): void;
}

export type RedundancyMode = "vrrp" | "active-active";

/** Starts the gateways; the `gateways` part plugs VRRP / active-active in here. */
export type GatewayLauncher = (context: {
  dir: string;
  host: string;
  port: number;
  count: number;
  mode: RedundancyMode;
  progress: Progress;
}) => Promise<GatewayRecord[]>;

/**
 * Starts the coordination host. What nodes need to reach it goes into `nodeEnv`/`secretEnv`
 * (kept in the state, so `add-node` gets it too), or into `extendNode`.
 */
export type CoordinationStarter = (context: {
  dir: string;
  host: string;
  app: AppBundle;
  progress: Progress;
  root: string;
  cli: readonly string[];
  /** What the nodes are built with: the host's jobs and cron tasks see the same env. */
  nodeEnv: Readonly<Record<string, string>>;
  secretEnv: Readonly<Record<string, string>>;
  /** More bindings every node reads from the environment (`--secrets`): the host reads them too. */
  secrets: readonly string[];
}) => Promise<{
  processes: ProcessRecord[];
  extendNode?(node: NodeDescription): NodeDescription;
  nodeEnv?: Record<string, string>;
  secretEnv?: Record<string, string>;
}>;

/** Starts the database and resolves with its libSQL URL (`--db mirrored` plugs in here). */
export type DatabaseStarter = (context: {
  dir: string;
  host: string;
  cli: readonly string[];
}) => Promise<ProcessRecord & { url: string; file: string }>;

export interface ClusterOptions {
  /** The app (folder of wrangler.toml). */
  root: string;
  /** Where the cluster keeps its files and state (`.nimbus/cluster` by default in the CLI). */
  dir: string;
  migrationsDir: string;
  /** How to run this CLI: [node, main.js]; nodes run `… cluster node --spec FILE`. */
  cli: readonly string[];
  progress: Progress;
  host?: string;
  /** More bindings read from the environment by every node. */
  secrets?: readonly string[];
}

export interface ClusterUpOptions extends ClusterOptions {
  nodes: number;
  gateways?: number;
  mode?: RedundancyMode;
  db?: "single" | "mirrored";
  /** The gateway's port (default: a free one). */
  port?: number;
  launchGateways?: GatewayLauncher;
  startCoordination?: CoordinationStarter;
  startDatabase?: DatabaseStarter;
}

/** The single libSQL server (src/node/libsql-server), run by `nimbus db serve`. */
export const startSingleDatabase: DatabaseStarter = async ({ dir, host, cli }) => {
  const port = await freePort(host);
  const file = join(dir, "database", "app.db");
  const log = join(dir, "database", "libsql.log");
  const [command, ...args] = cli as [string, ...string[]];
  const pid = startDetached(
    command,
    [...args, "db", "serve", "--port", String(port), "--file", file],
    {
      logFile: log,
    },
  );
  await waitForPort(host, port, 30_000, () => !isAlive(pid));
  return { role: "database (libSQL server)", pid, log, url: `http://${host}:${port}`, file };
};

/**
 * The mirrored database (dqlite, src/node/dqlite): `nimbus db cluster up --nodes 3` in the
 * cluster's folder; nodes get every endpoint in DATABASE_URL; `cluster down` runs its `down`.
 */
export const startMirroredDatabase: DatabaseStarter = async ({ dir, cli }) => {
  const folder = join(dir, "database");
  const [command, ...args] = cli as [string, ...string[]];
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      command,
      [...args, "db", "cluster", "up", "--nodes", "3", "--dir", folder],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`nimbus db cluster up failed: ${stdout}${stderr}`))
          : resolve(stdout),
    ),
  );
  const url = /DATABASE_URL=(\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`nimbus db cluster up printed no DATABASE_URL:\n${output}`);
  return {
    role: "database (mirrored, 3 dqlite nodes)",
    pid: 0,
    log: folder,
    url,
    file: folder,
    stop: [...args, "db", "cluster", "down", "--dir", folder],
  };
};

/** One HAProxy gateway; more, or redundancy, needs a launcher from the gateways part. */
/**
 * Local gateways: one, or with `active-active` several (each on its own port; every node checks in
 * with all of them, clients hold the list). `vrrp` with more than one needs a shared address
 * moved by keepalived, i.e. network namespaces: the gateways part's launcher.
 */
export const startLocalGateways: GatewayLauncher = async ({ dir, host, port, count, mode }) => {
  if (count > 1 && mode !== "active-active")
    throw new Error(
      `--gateways ${count} --mode ${mode} needs keepalived and network namespaces; on one machine use --mode active-active.`,
    );
  const gateways: GatewayRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const gatewayPort = i === 1 ? port : await freePort(host);
    gateways.push(
      await startHaproxyGateway({
        name: `gw-${i}`,
        dir: join(dir, "gateways"),
        host,
        port: gatewayPort,
      }),
    );
  }
  return gateways;
};

/** The default before redundancy: exactly one gateway. */
export const startOneGateway: GatewayLauncher = (context) =>
  startLocalGateways({ ...context, count: 1 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function appFile(dir: string): string {
  return join(dir, "app.json");
}

/** The next free node name: node-1, node-2, … */
function nextName(state: ClusterState): string {
  const taken = new Set(state.nodes.map((n) => n.name));
  for (let i = 1; ; i++) if (!taken.has(`node-${i}`)) return `node-${i}`;
}

/** Resolves once every gateway shows `name` UP. */
async function untilUp(
  state: ClusterState,
  name: string,
  pid: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await Promise.all(
      state.gateways.map(async (g) => {
        const stats = await serverStats(g.admin, BACKEND).catch(() => [] as ServerStat[]);
        return stats.some((s) => s.server === name && s.status.startsWith("UP"));
      }),
    );
    if (up.every(Boolean)) return;
    if (!isAlive(pid)) throw new Error(`node ${name} exited while starting (see its log)`);
    if (Date.now() > deadline)
      throw new Error(`node ${name} was not up at the gateway within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Starts one more node, waits until every gateway sends it traffic, records it. */
export async function startNode(
  state: ClusterState,
  options: Pick<ClusterOptions, "cli" | "progress" | "secrets"> & {
    extendNode?: (node: NodeDescription) => NodeDescription;
  },
): Promise<NodeRecord> {
  const app = JSON.parse(readFileSync(appFile(state.dir), "utf8")) as AppBundle & { root: string };
  const name = nextName(state);
  const host = "127.0.0.1";
  const dir = join(state.dir, "nodes", name);
  const [port, agentPort] = [await freePort(host), await freePort(host)];
  let node = describeNode(app, {
    name,
    address: `${host}:${port}`,
    storageDir: join(dir, "storage"),
    env: state.nodeEnv,
    secrets: [...(options.secrets ?? []), ...Object.keys(state.secretEnv)],
  });
  if (options.extendNode) node = options.extendNode(node);
  const config = writeNodeConfig(node, join(dir, `${name}.capnp`));
  const spec: NodeSpec = {
    name,
    config,
    workerd: workerdBinary(app.root),
    host,
    port,
    agentHost: host,
    agentPort,
    gateways: state.gateways.map((g) => g.admin),
    env: state.secretEnv,
  };
  const specFile = join(dir, "node.json");
  writeFileSync(specFile, JSON.stringify(spec, null, 2), { mode: 0o600 });
  const log = join(dir, "node.log");
  const [command, ...args] = options.cli as [string, ...string[]];
  const pid = startDetached(command, [...args, "cluster", "node", "--spec", specFile], {
    logFile: log,
  });
  const record: NodeRecord = {
    role: `node ${name}`,
    name,
    pid,
    log,
    host,
    port,
    agentPort,
    config,
    spec: specFile,
  };
  state.nodes.push(record);
  writeState(state);
  await options.progress.step(
    `Starting ${name} (workerd on ${host}:${port}) and checking it in`,
    () => untilUp(state, name, pid),
  );
  return record;
}

/** Drains a node (in-flight requests finish, no new ones), takes it out of every gateway, stops it. */
export async function stopNode(
  state: ClusterState,
  name: string,
  progress: Progress,
): Promise<void> {
  const node = state.nodes.find((n) => n.name === name);
  if (!node)
    throw new Error(
      `no node ${name} in this cluster (nodes: ${state.nodes.map((n) => n.name).join(", ") || "none"})`,
    );
  await progress.step(`Draining and removing ${name}`, async () => {
    await stopGroup(node.pid, "SIGTERM", 40_000);
    // A node that was already dead never left: take it out of every gateway here.
    await Promise.all(state.gateways.map((g) => leave(g.admin, name).catch(() => undefined)));
  });
  state.nodes = state.nodes.filter((n) => n !== node);
  writeState(state);
}

/** `cluster up`: everything, in order, each step shown; resolves with the state (gateway URLs). */
export async function clusterUp(options: ClusterUpOptions): Promise<ClusterState> {
  const { root, progress, dir } = options;
  const existing = readState(dir);
  if (
    existing &&
    [existing.database, ...existing.gateways, ...existing.nodes].some((p) => isAlive(p.pid))
  )
    throw new Error(
      `a cluster is already running here (${statePath(dir)}): \`nimbus cluster down\` first`,
    );
  const host = options.host ?? "127.0.0.1";
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const app = await progress.step("Bundling the app (wrangler deploy --dry-run)", () =>
    bundleApp(root, join(dir, "bundle")),
  );
  writeFileSync(appFile(dir), JSON.stringify({ ...app, root }, null, 2));
  const startDatabase =
    options.startDatabase ??
    (options.db === "mirrored" ? startMirroredDatabase : startSingleDatabase);
  const database = await progress.step(`Starting the database (${options.db ?? "single"})`, () =>
    startDatabase({ dir, host, cli: options.cli }),
  );
  const state: ClusterState = {
    dir,
    startedAt: new Date().toISOString(),
    database,
    services: [],
    gateways: [],
    nodes: [],
    nodeEnv: { DATABASE_URL: database.url, NIMBUS_TRUSTED_PROXIES: host },
    secretEnv: { SESSION_SECRET: randomBytes(32).toString("hex") },
    bundle: join(dir, "bundle"),
  };
  writeState(state);
  try {
    await progress.step("Applying migrations", async () => {
      // A mirrored database lists every endpoint; any one of them takes the migrations.
      const target = await openLibsql(database.url.split(",")[0] as string);
      try {
        await migrate(target.target, options.migrationsDir);
      } finally {
        await target.close();
      }
    });
    let extendNode: ((node: NodeDescription) => NodeDescription) | undefined;
    const startCoordination = options.startCoordination ?? startCoordinationHost;
    const coordination = await progress.step("Starting the coordination host", () =>
      startCoordination({
        dir,
        host,
        app,
        progress,
        root,
        cli: options.cli,
        nodeEnv: state.nodeEnv,
        secretEnv: state.secretEnv,
        secrets: options.secrets ?? [],
      }),
    );
    state.services.push(...coordination.processes);
    Object.assign(state.nodeEnv, coordination.nodeEnv);
    Object.assign(state.secretEnv, coordination.secretEnv);
    extendNode = coordination.extendNode;
    writeState(state);
    const port = options.port ?? (await freePort(host));
    const launch = options.launchGateways ?? startLocalGateways;
    const gateways = await progress.step(
      `Starting ${options.gateways ?? 1} gateway(s) (HAProxy)`,
      () =>
        launch({
          dir,
          host,
          port,
          count: options.gateways ?? 1,
          mode: options.mode ?? "vrrp",
          progress,
        }),
    );
    state.gateways.push(...gateways);
    writeState(state);
    for (let i = 0; i < options.nodes; i++)
      await startNode(state, {
        cli: options.cli,
        progress,
        secrets: options.secrets,
        extendNode,
      });
    return state;
  } catch (error) {
    progress.say("Starting failed; stopping what was started.");
    await clusterDown(dir, progress).catch(() => undefined);
    throw error;
  }
}

/** Runs a process's own stop command (the CLI's node + script + `stop` args) to completion. */
function runToEnd(record: ProcessRecord, stop: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...stop], { timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`stopping ${record.role} failed: ${stdout}${stderr}`)) : resolve(),
    ),
  );
}

/** `cluster down`: stops exactly the processes in the state file (nodes drain first). */
export async function clusterDown(dir: string, progress: Progress): Promise<void> {
  const state = readState(dir);
  if (!state) {
    progress.say("No cluster is running here.");
    return;
  }
  await progress.step(`Stopping ${state.nodes.length} node(s)`, () =>
    Promise.all(state.nodes.map((n) => stopGroup(n.pid, "SIGTERM", 15_000))),
  );
  for (const group of [state.services, state.gateways, [state.database]]) {
    for (const p of group)
      await progress.step(`Stopping ${p.role}`, async () => {
        if (p.stop) await runToEnd(p, p.stop);
        else await stopGroup(p.pid, "SIGTERM", 10_000);
      });
  }
  rmSync(statePath(dir), { force: true });
}

/** One line per node and gateway, as `cluster status` prints it. */
export interface NodeStatus {
  node: string;
  gateway: string;
  state: string;
  weight: number;
  inFlight: number;
  requests: number;
  errors: number;
}

function stateWord(status: string): string {
  if (status.startsWith("UP")) return "up";
  if (status.startsWith("DRAIN")) return "draining";
  if (status.startsWith("MAINT")) return "maintenance";
  if (status.startsWith("DOWN")) return "down";
  return status.toLowerCase() || "unknown";
}

/** What every gateway says about the nodes. */
export async function clusterStatus(state: ClusterState): Promise<NodeStatus[]> {
  const rows: NodeStatus[] = [];
  for (const gateway of state.gateways) {
    const stats = await serverStats(gateway.admin, BACKEND).catch(() => undefined);
    if (!stats) continue;
    for (const s of stats)
      rows.push({
        node: s.server,
        gateway: gateway.name,
        state: stateWord(s.status),
        weight: s.weight,
        inFlight: s.current,
        requests: s.total,
        errors: s.errors,
      });
  }
  return rows;
}

/**
 * Kills the database server (SIGKILL: a crash, not a shutdown) and starts it again on the same
 * port and file, as a supervisor such as systemd would. Only for the single libSQL server.
 */
export async function restartDatabase(
  state: ClusterState,
  cli: readonly string[],
): Promise<number> {
  const { database } = state;
  if (database.stop) throw new Error("restartDatabase restarts the single libSQL server only");
  await stopGroup(database.pid, "SIGKILL", 0);
  const url = new URL(database.url);
  const [command, ...args] = cli as [string, ...string[]];
  const started = Date.now();
  const pid = startDetached(
    command,
    [...args, "db", "serve", "--port", url.port, "--file", database.file],
    { logFile: database.log },
  );
  await waitForPort(url.hostname, Number(url.port), 30_000, () => !isAlive(pid));
  state.database = { ...database, pid };
  writeState(state);
  return Date.now() - started;
}

/** The workerd process a node's supervisor runs (for tests and benchmarks that cap or kill it). */
export function workerdPidOf(node: NodeRecord): number | undefined {
  try {
    const children = readFileSync(`/proc/${node.pid}/task/${node.pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .map(Number)
      .filter((pid) => pid > 0);
    return children.find((pid) =>
      readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("workerd"),
    );
  } catch {
    return undefined;
  }
}
