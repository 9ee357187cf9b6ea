/**
 * A mirrored database on one machine or several: N dqlite members (Raft, a write is acknowledged
 * once a majority holds it), each with a libSQL endpoint. Used by `nimbus db cluster up/down`,
 * `nimbus cluster up --db mirrored` and the tests; {@link nodeCommands} gives the same command
 * lines to process managers (systemd units for three machines).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort } from "../free-port.ts";
import { ensureDqliteBinary } from "./build.ts";
import { MirroredNode, type MirroredNodeSpec, type ProcessRecord, socketPathFor } from "./node.ts";
import { isSameProcess, stopPid } from "./processes.ts";

export { type MirroredNodeSpec, nodeCommands, portableCommands } from "./node.ts";

export type MirroredClusterOptions = {
  /** Folder for every node's data, logs and the cluster's state file. */
  dir: string;
  /** Number of nodes (default 3; 1 works but mirrors nothing). */
  nodes?: number;
  /** Interface the Raft and libSQL ports listen on (default 127.0.0.1). */
  host?: string;
  /** Raft ports, one per node (default: free ports). */
  raftPorts?: number[];
  /** libSQL ports, one per node (default: free ports). */
  libsqlPorts?: number[];
  /** Processes outlive this one (logs in each node's folder); `stopMirroredCluster` ends them. */
  detached?: boolean;
  /**
   * The nodes of an existing cluster in `dir` to start again (their addresses are part of the
   * replicated configuration and cannot change): readClusterState(dir).nodes' specs.
   */
  specs?: MirroredNodeSpec[];
  /** Runs each step (building, starting node 2 …) and may show it: the CLI passes its spinner. */
  step?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
};

export type MirroredCluster = {
  dir: string;
  nodes: MirroredNode[];
  /** libSQL URLs of the nodes, in order: DATABASE_URL takes any of them, or all (comma-separated). */
  urls: string[];
  /** Index of the node that currently leads (asked of the first node that answers). */
  leader(): Promise<number>;
  /** Stops every process this cluster started (SIGTERM: the leader hands over first). */
  stop(): Promise<void>;
};

type StateFile = {
  nodes: { spec: MirroredNodeSpec; dqlite: ProcessRecord | null; libsql: ProcessRecord | null }[];
};

const STATE = "cluster.json";

export { freePort };

/** Specs of `count` nodes under `dir` (node 0 forms the cluster, the others join it). */
export async function planCluster(options: MirroredClusterOptions): Promise<MirroredNodeSpec[]> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 9) {
    throw new Error(`A mirrored database has 1 to 9 nodes (3 or 5 make sense), not ${count}`);
  }
  const host = options.host ?? "127.0.0.1";
  const dir = resolve(options.dir);
  const specs: MirroredNodeSpec[] = [];
  for (let index = 0; index < count; index++) {
    const raftPort = options.raftPorts?.[index] ?? (await freePort(host));
    const libsqlPort = options.libsqlPorts?.[index] ?? (await freePort(host));
    const nodeDir = join(dir, `node-${index + 1}`);
    specs.push({
      index,
      dir: nodeDir,
      raftAddress: `${host}:${raftPort}`,
      join: index === 0 ? [] : [specs[0]?.raftAddress as string],
      socket: socketPathFor(nodeDir),
      libsqlHost: host,
      libsqlPort,
    });
  }
  return specs;
}

/** Starts a mirrored database; resolves once every node votes and every endpoint answers. */
export async function startMirroredCluster(
  options: MirroredClusterOptions,
): Promise<MirroredCluster> {
  const step = options.step ?? ((_label, work) => work());
  const binary = await step(
    "Preparing the dqlite node program (built once from its Go source, then cached)",
    ensureDqliteBinary,
  );
  const specs = options.specs ?? (await planCluster(options));
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const nodes = specs.map((spec) => new MirroredNode(spec, binary, options.detached === true));
  const cluster = makeCluster(dir, nodes);
  try {
    if (options.specs) {
      // Nodes of an existing cluster: none is ready before a majority is up again (a member
      // waits for a leader), so they start together.
      await step(`Starting ${nodes.length} dqlite nodes again (they elect a leader)`, () =>
        startAll(nodes.map((node) => () => node.startDqlite())),
      );
      writeState(dir, nodes);
    } else {
      for (const node of nodes) {
        const role = node.spec.index === 0 ? "forms the cluster" : `joins ${node.spec.join[0]}`;
        await step(
          `Starting dqlite node ${node.spec.index + 1}/${nodes.length} on ${node.spec.raftAddress} (${role})`,
          () => node.startDqlite(),
        );
        writeState(dir, nodes);
      }
    }
    await startEndpoints(dir, nodes, nodes, step);
  } catch (err) {
    await cluster.stop().catch(() => undefined);
    throw err;
  }
  return cluster;
}

/**
 * Starts again the processes of a detached cluster in `dir` that are no longer running (a node
 * that died or was killed), leaving the running ones alone; it catches up from the others.
 * Resolves with the cluster once every node votes and every endpoint answers.
 */
export async function resumeMirroredCluster(
  dir: string,
  step: NonNullable<MirroredClusterOptions["step"]> = (_label, work) => work(),
): Promise<MirroredCluster> {
  const state = readClusterState(dir);
  if (!state) throw new Error(`no mirrored database in ${dir}`);
  const binary = await step("Preparing the dqlite node program", ensureDqliteBinary);
  const alive = (r: ProcessRecord | null) => (r && isSameProcess(r.pid, r.startTime) ? r : null);
  const nodes = state.nodes.map((recorded) => {
    const node = new MirroredNode(recorded.spec, binary, true);
    node.dqlite = alive(recorded.dqlite);
    node.libsql = alive(recorded.libsql);
    return node;
  });
  const absolute = resolve(dir);
  const down = nodes.filter((node) => node.dqlite === null);
  if (down.length > 0) {
    const names = down.map((node) => node.spec.index + 1).join(", ");
    await step(`Starting dqlite node ${names} again (it catches up from the others)`, () =>
      startAll(down.map((node) => () => node.startDqlite())),
    );
    writeState(absolute, nodes);
  }
  await startEndpoints(
    absolute,
    nodes,
    nodes.filter((node) => node.libsql === null),
    step,
  );
  return makeCluster(absolute, nodes);
}

/** Waits until every node votes, then starts the endpoints of `starting`. */
async function startEndpoints(
  dir: string,
  nodes: MirroredNode[],
  starting: MirroredNode[],
  step: NonNullable<MirroredClusterOptions["step"]>,
): Promise<void> {
  await step(`Waiting until all ${nodes.length} nodes are voters`, () =>
    waitForVoters(nodes, nodes.length, 60_000),
  );
  for (const node of starting) {
    await step(
      `Starting libSQL endpoint ${node.spec.index + 1}/${nodes.length} on ${node.url}`,
      () => node.startLibsql(),
    );
    writeState(dir, nodes);
  }
}

/** Runs every start at once; waits for all of them (none left running unrecorded), then throws the first failure. */
async function startAll(starts: (() => Promise<void>)[]): Promise<void> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

function makeCluster(dir: string, nodes: MirroredNode[]): MirroredCluster {
  return {
    dir,
    nodes,
    urls: nodes.map((node) => node.url),
    async leader() {
      const info = await clusterInfo(nodes);
      const index = nodes.findIndex((node) => node.spec.raftAddress === info.leader);
      if (index < 0)
        throw new Error(`no node of this cluster leads (leader: ${info.leader || "none"})`);
      return index;
    },
    async stop() {
      // Endpoints first (no new work), then the members.
      await Promise.all(nodes.map((node) => node.stopLibsqlOnly()));
      await Promise.all(nodes.map((node) => node.stop()));
      writeState(dir, nodes);
    },
  };
}

async function clusterInfo(nodes: MirroredNode[]) {
  let last: unknown;
  for (const node of nodes) {
    if (!node.dqlite) continue;
    const api = node.api();
    try {
      return await api.cluster();
    } catch (err) {
      last = err;
    } finally {
      api.close();
    }
  }
  throw new Error(
    `no node of the mirrored database answered: ${last instanceof Error ? last.message : last}`,
  );
}

/** Waits until the cluster counts `count` voters (dqlite promotes joined nodes by itself). */
export async function waitForVoters(nodes: MirroredNode[], count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let seen = "";
  for (;;) {
    try {
      const info = await clusterInfo(nodes);
      const voters = info.nodes.filter((n) => n.role === "voter").length;
      seen = `${voters} voters of ${info.nodes.length}, leader ${info.leader || "none"}`;
      if (voters >= count && info.leader) return;
    } catch (err) {
      seen = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`the mirrored database did not settle: ${seen}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function writeState(dir: string, nodes: MirroredNode[]): void {
  const state: StateFile = {
    nodes: nodes.map((node) => ({ spec: node.spec, dqlite: node.dqlite, libsql: node.libsql })),
  };
  writeFileSync(join(dir, STATE), `${JSON.stringify(state, null, 2)}\n`);
}

/** The nodes of a cluster started in `dir` (their processes null once stopped), or null. */
export function readClusterState(dir: string): StateFile | null {
  try {
    return JSON.parse(readFileSync(join(resolve(dir), STATE), "utf8")) as StateFile;
  } catch {
    return null;
  }
}

/**
 * Stops the processes a detached cluster in `dir` started — exactly those: each pid is checked
 * against its recorded start time, so a reused pid is never signalled. Returns how many stopped.
 */
export async function stopMirroredCluster(
  dir: string,
  step: <T>(label: string, work: () => Promise<T>) => Promise<T> = (_label, work) => work(),
): Promise<number> {
  const state = readClusterState(dir);
  if (!state) return 0;
  let stopped = 0;
  const stop = async (label: string, r: ProcessRecord | null) => {
    if (!r || !isSameProcess(r.pid, r.startTime)) return;
    await step(`Stopping ${label} (pid ${r.pid})`, () => stopPid(r.pid, r.startTime));
    stopped++;
  };
  await Promise.all(
    state.nodes.map((node) => stop(`libSQL endpoint ${node.spec.index + 1}`, node.libsql)),
  );
  await Promise.all(
    state.nodes.map((node) => stop(`dqlite node ${node.spec.index + 1}`, node.dqlite)),
  );
  // The specs stay: the nodes' addresses are part of their data, `up` starts the same ones again.
  writeFileSync(
    join(resolve(dir), STATE),
    `${JSON.stringify({ nodes: state.nodes.map((n) => ({ ...n, dqlite: null, libsql: null })) }, null, 2)}\n`,
  );
  return stopped;
}
