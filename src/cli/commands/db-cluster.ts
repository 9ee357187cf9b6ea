/**
 * `nimbus db cluster up|down|status` (a mirrored database of dqlite nodes with libSQL endpoints
 * on this machine) and `nimbus db node` (one dqlite member, for process managers).
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, renameSync, rmSync } from "node:fs";
import { DqliteApi } from "../../node/dqlite/api.ts";
import { ensureDqliteBinary, INSTALLED_NODE_PATH } from "../../node/dqlite/build.ts";
import {
  type MirroredNodeSpec,
  readClusterState,
  resumeMirroredCluster,
  startMirroredCluster,
  stopMirroredCluster,
} from "../../node/dqlite/cluster.ts";
import type { ProcessRecord } from "../../node/dqlite/node.ts";
import { isSameProcess } from "../../node/dqlite/processes.ts";
import { CliError, UsageError } from "../errors.ts";
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
  const state = readClusterState(dir);
  const recorded = state?.nodes.length;
  const nodes = Number(flags.nodes ?? recorded ?? "3");
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
    throw new UsageError(
      `--nodes ${flags.nodes} is not a node count from 1 to 9 (3 or 5 make sense).`,
    );
  }
  // The nodes' count and addresses are part of the replicated data: an existing database in
  // `dir` starts again as it was, or not at all.
  if (state && recorded !== nodes) {
    throw new UsageError(
      `${dir} holds a mirrored database of ${recorded} nodes, not ${nodes}.`,
      `Run \`nimbus db cluster up\` without --nodes to start it again, or pass another --dir for a new one.`,
    );
  }
  const host = state?.nodes[0]?.spec.libsqlHost;
  if (state && flags.host !== undefined && flags.host !== host) {
    throw new UsageError(
      `${dir} holds a mirrored database on ${host}, not ${flags.host} (its addresses are part of its data).`,
      "Start it without --host, or pass another --dir for a new one.",
    );
  }
  const running = state?.nodes.map((node) => ({
    dqlite: isRunning(node.dqlite),
    libsql: isRunning(node.libsql),
  }));
  if (running?.every((node) => node.dqlite && node.libsql)) {
    say(`A mirrored database already runs from ${dir}:`);
    await status(dir);
    return;
  }
  const cluster = running?.some((node) => node.dqlite || node.libsql)
    ? // Some of its processes died or were killed: only those start again.
      await resumeMirroredCluster(dir, step)
    : // New, or stopped earlier (down, a reboot): the same nodes start on their recorded addresses.
      await startMirroredCluster({
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

const isRunning = (r: ProcessRecord | null) => r !== null && isSameProcess(r.pid, r.startTime);

async function status(dir: string): Promise<void> {
  const state = readClusterState(dir);
  if (!state) {
    say(`No mirrored database runs from ${dir}.`);
    return;
  }
  const alive = state.nodes.some((node) => isRunning(node.dqlite) || isRunning(node.libsql));
  if (!alive) {
    say(`The mirrored database in ${dir} is stopped: \`nimbus db cluster up\` starts it again.`);
    return;
  }
  let leader = "";
  for (const node of state.nodes) {
    if (!isRunning(node.dqlite)) continue;
    const api = new DqliteApi(node.spec.socket);
    try {
      leader = (await api.cluster()).leader;
      break;
    } catch {
      // this node does not know a leader: ask the next
    } finally {
      api.close();
    }
  }
  const url = (spec: MirroredNodeSpec) =>
    `http://${spec.libsqlHost === "0.0.0.0" ? "127.0.0.1" : spec.libsqlHost}:${spec.libsqlPort}`;
  const urls: string[] = [];
  for (const node of state.nodes) {
    const member = isRunning(node.dqlite);
    const endpoint = isRunning(node.libsql);
    if (member && endpoint) urls.push(url(node.spec));
    const health =
      member && endpoint
        ? node.spec.raftAddress === leader
          ? "up (leader)"
          : "up"
        : !member && !endpoint
          ? "DOWN"
          : `DOWN: ${member ? "libSQL endpoint" : "dqlite member"} not running`;
    say(
      `  node ${node.spec.index + 1}  libSQL ${url(node.spec)}  raft ${node.spec.raftAddress}  ${health}`,
    );
  }
  const downCount = state.nodes.length - urls.length;
  say(leader ? `Leader: ${leader}` : "No leader answers: is a majority of the nodes up?");
  if (downCount > 0) {
    say(
      `${downCount} of ${state.nodes.length} nodes down (a majority of ${Math.floor(state.nodes.length / 2) + 1} keeps accepting writes); \`nimbus db cluster up\` starts them again.`,
    );
  }
  say(`DATABASE_URL=${state.nodes.map((node) => url(node.spec)).join(",")}`);
}

/**
 * `nimbus db node -- --dir D --address HOST:PORT [--join HOST:PORT,…] --api SOCKET`: one dqlite
 * member in the foreground (builds the program on first use), for systemd and the like.
 * `nimbus db node install [PATH]`: builds the program and puts it at PATH (default
 * /usr/local/bin/nimbus-dqlite), where the units `nimbus cluster export` writes expect it.
 */
export async function dbNode(args: string[]): Promise<void> {
  if (args[0] === "install") return installNode(args[1] ?? INSTALLED_NODE_PATH);
  if (args.length === 0) {
    throw new UsageError(
      "db node needs the node's options (after --) or install.",
      [
        "Run one member:  nimbus db node -- --dir /var/lib/nimbus/db --address 10.0.0.1:9001 --api /run/nimbus/dqlite.sock [--join 10.0.0.2:9001]",
        `Install it:      sudo nimbus db node install   (builds nimbus-dqlite into ${INSTALLED_NODE_PATH}, for systemd units)`,
      ].join("\n"),
    );
  }
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

async function installNode(target: string): Promise<void> {
  const binary = await step(
    "Building the dqlite node program (Go, with Debian's go-dqlite; cached)",
    ensureDqliteBinary,
  );
  const partial = `${target}.${process.pid}.tmp`;
  try {
    copyFileSync(binary, partial);
    chmodSync(partial, 0o755);
    renameSync(partial, target); // a running node keeps its old file; the next start runs the new one
  } catch (error) {
    rmSync(partial, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`Could not write ${target}: ${(error as Error).message}`, {
      hint:
        code === "EACCES" || code === "EPERM"
          ? "Run it as root (sudo nimbus db node install), or name a folder you can write: nimbus db node install ~/bin/nimbus-dqlite"
          : "Name a file in an existing folder: nimbus db node install /usr/local/bin/nimbus-dqlite",
    });
  }
  say(`Installed ${target} (the dqlite member that \`nimbus cluster export\`'s units run).`);
}
