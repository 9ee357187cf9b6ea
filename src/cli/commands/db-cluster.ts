/**
 * `nimbus db cluster up|down|status` (a mirrored database of dqlite nodes with libSQL endpoints
 * on this machine) and `nimbus db node` (one dqlite member, for process managers).
 */
import { spawn } from "node:child_process";
import { DqliteApi } from "../../node/dqlite/api.ts";
import { ensureDqliteBinary } from "../../node/dqlite/build.ts";
import {
  readClusterState,
  startMirroredCluster,
  stopMirroredCluster,
} from "../../node/dqlite/cluster.ts";
import { isSameProcess } from "../../node/dqlite/processes.ts";
import { UsageError } from "../errors.ts";
import { say, step } from "../progress.ts";

export const DEFAULT_CLUSTER_DIR = ".nimbus/db-cluster";

export type ClusterFlags = { nodes?: string; dir?: string; host?: string };

export async function dbCluster(action: string | undefined, flags: ClusterFlags): Promise<void> {
  const dir = flags.dir ?? DEFAULT_CLUSTER_DIR;
  switch (action) {
    case "up":
      return up(dir, flags);
    case "down": {
      const stopped = await stopMirroredCluster(dir, step);
      say(
        stopped > 0
          ? `Stopped ${stopped} processes. The data stays in ${dir}: \`nimbus db cluster up\` starts the same nodes again.`
          : `No mirrored database runs from ${dir}.`,
      );
      return;
    }
    case "status":
      return status(dir);
    default:
      throw new UsageError(
        action ? `Unknown db cluster command "${action}".` : "db cluster needs a command.",
        "db cluster commands: up, down, status.",
      );
  }
}

async function up(dir: string, flags: ClusterFlags): Promise<void> {
  const nodes = Number(flags.nodes ?? "3");
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
    throw new UsageError(
      `--nodes ${flags.nodes} is not a node count from 1 to 9 (3 or 5 make sense).`,
    );
  }
  const state = readClusterState(dir);
  const running = state?.nodes.some((node) =>
    [node.dqlite, node.libsql].some((r) => r !== null && isSameProcess(r.pid, r.startTime)),
  );
  if (running) {
    throw new UsageError(
      `A mirrored database already runs from ${dir}.`,
      "Stop it with `nimbus db cluster down`, or pass another --dir.",
    );
  }
  // Stopped earlier (down, a reboot): the same nodes start again on their recorded addresses.
  const cluster = await startMirroredCluster({
    dir,
    nodes,
    specs: state?.nodes.map((node) => node.spec),
    host: flags.host,
    detached: true,
    step,
  });
  const leader = await cluster.leader().catch(() => -1);
  say("");
  say(
    `Mirrored database: ${nodes} dqlite nodes (Raft: a write is acknowledged once a majority holds it).`,
  );
  for (const node of cluster.nodes) {
    say(
      `  node ${node.spec.index + 1}  libSQL ${node.url}  raft ${node.spec.raftAddress}${node.spec.index === leader ? "  (leader)" : ""}`,
    );
  }
  say("");
  say(`DATABASE_URL=${cluster.urls.join(",")}`);
  say(`Any one of the URLs works too. Logs and data are in each node's folder under ${dir}`);
  say("`nimbus db cluster down` stops exactly these processes.");
}

async function status(dir: string): Promise<void> {
  const state = readClusterState(dir);
  if (!state) {
    say(`No mirrored database runs from ${dir}.`);
    return;
  }
  const alive = state.nodes.some((node) =>
    [node.dqlite, node.libsql].some((r) => r !== null && isSameProcess(r.pid, r.startTime)),
  );
  if (!alive) {
    say(`The mirrored database in ${dir} is stopped: \`nimbus db cluster up\` starts it again.`);
    return;
  }
  let leader = "";
  for (const node of state.nodes) {
    const api = new DqliteApi(node.spec.socket);
    try {
      leader = (await api.cluster()).leader;
      break;
    } catch {
      // this node is down: ask the next
    } finally {
      api.close();
    }
  }
  for (const node of state.nodes) {
    const url = `http://${node.spec.libsqlHost}:${node.spec.libsqlPort}`;
    say(
      `  node ${node.spec.index + 1}  libSQL ${url}  raft ${node.spec.raftAddress}${node.spec.raftAddress === leader ? "  (leader)" : ""}`,
    );
  }
  say(leader ? `Leader: ${leader}` : "No leader answers: is a majority of the nodes up?");
}

/**
 * `nimbus db node -- --dir D --address HOST:PORT [--join HOST:PORT,…] --api SOCKET`: one dqlite
 * member in the foreground (builds the program on first use), for systemd and the like.
 */
export async function dbNode(args: string[]): Promise<void> {
  const binary = await step("Preparing the dqlite node program", ensureDqliteBinary);
  const child = spawn(binary, args, { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  const code = await new Promise<number>((resolve) =>
    child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0))),
  );
  if (code !== 0) process.exitCode = code;
}
