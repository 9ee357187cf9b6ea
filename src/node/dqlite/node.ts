/**
 * One node of the mirrored database: a nimbus-dqlite process (a dqlite/Raft member) and, in
 * front of it, a libSQL endpoint (`nimbus db serve --dqlite SOCKET`) that apps reach as they
 * reach any libSQL server.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DqliteApi } from "./api.ts";
import { processStartTime, type Started, startProcess, stopPid } from "./processes.ts";

/** Everything needed to (re)start a node the same way: also what a systemd unit runs. */
export type MirroredNodeSpec = {
  index: number;
  /** This node's data folder (Raft log, snapshots, node identity). */
  dir: string;
  /** host:port the node replicates on; other nodes dial it. */
  raftAddress: string;
  /** host:port of nodes to join on first start (empty for the node that forms the cluster). */
  join: string[];
  /** Unix socket between the dqlite node and its libSQL endpoint. */
  socket: string;
  libsqlHost: string;
  libsqlPort: number;
};

export type ProcessRecord = { pid: number; startTime: string };

/**
 * The two command lines of a node for a machine where the app (with nimbus-web) is installed,
 * as systemd units or `nimbus cluster export` write them: no path from this machine in them.
 * The endpoint listens beyond loopback only with authentication (`--auth-token` or
 * `--auth-jwt-key-file`, added by the caller); apps then send DATABASE_AUTH_TOKEN.
 */
export function portableCommands(spec: MirroredNodeSpec, nimbus: string[] = ["npx", "nimbus"]) {
  const dqlite = [
    ...nimbus,
    "db",
    "node",
    "--",
    "--dir",
    join(spec.dir, "dqlite"),
    "--address",
    spec.raftAddress,
    "--api",
    spec.socket,
    ...(spec.join.length > 0 ? ["--join", spec.join.join(",")] : []),
  ];
  const libsql = [
    ...nimbus,
    "db",
    "serve",
    "--dqlite",
    spec.socket,
    "--host",
    spec.libsqlHost,
    "--port",
    String(spec.libsqlPort),
  ];
  return { dqlite, libsql };
}

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The built CLI (dist/): the libSQL endpoint runs as `nimbus db serve --dqlite`. */
export const CLI_MAIN = join(PACKAGE_ROOT, "dist/cli/main.js");

/** A Unix socket path for `dir` (socket paths are limited to 107 bytes). */
export function socketPathFor(dir: string): string {
  const inside = join(dir, "dqlite.sock");
  if (inside.length < 100) return inside;
  return join(
    tmpdir(),
    `nimbus-dqlite-${createHash("sha1").update(dir).digest("hex").slice(0, 12)}.sock`,
  );
}

/** The two command lines of a node, for a process manager (systemd, the CLI, tests). */
export function nodeCommands(spec: MirroredNodeSpec, binary: string) {
  const dqlite = [
    binary,
    "--dir",
    join(spec.dir, "dqlite"),
    "--address",
    spec.raftAddress,
    "--api",
    spec.socket,
    ...(spec.join.length > 0 ? ["--join", spec.join.join(",")] : []),
  ];
  const libsql = [
    process.execPath,
    CLI_MAIN,
    "db",
    "serve",
    "--dqlite",
    spec.socket,
    "--host",
    spec.libsqlHost,
    "--port",
    String(spec.libsqlPort),
  ];
  return { dqlite, libsql };
}

export class MirroredNode {
  readonly spec: MirroredNodeSpec;
  readonly #binary: string;
  readonly #detached: boolean;
  dqlite: ProcessRecord | null = null;
  libsql: ProcessRecord | null = null;
  #children: Started[] = [];

  constructor(spec: MirroredNodeSpec, binary: string, detached: boolean) {
    this.spec = spec;
    this.#binary = binary;
    this.#detached = detached;
  }

  get url(): string {
    const host = this.spec.libsqlHost === "0.0.0.0" ? "127.0.0.1" : this.spec.libsqlHost;
    return `http://${host}:${this.spec.libsqlPort}`;
  }

  api(): DqliteApi {
    return new DqliteApi(this.spec.socket);
  }

  /** Starts the dqlite member; resolves once it joined the cluster and serves its socket. */
  async startDqlite(): Promise<void> {
    mkdirSync(this.spec.dir, { recursive: true });
    const [command, ...args] = nodeCommands(this.spec, this.#binary).dqlite as [
      string,
      ...string[],
    ];
    const started = await startProcess(command, args, {
      ready: /nimbus-dqlite ready/,
      logFile: this.#detached ? join(this.spec.dir, "dqlite.log") : undefined,
      timeoutMs: 120_000,
    });
    this.#children.push(started);
    this.dqlite = record(started.pid);
  }

  /** Starts the libSQL endpoint in front of the local dqlite member. */
  async startLibsql(): Promise<void> {
    if (!existsSync(CLI_MAIN)) {
      throw new Error(`${CLI_MAIN} is missing: build the package first (npm run build)`);
    }
    const [command, ...args] = nodeCommands(this.spec, this.#binary).libsql as [
      string,
      ...string[],
    ];
    const started = await startProcess(command, args, {
      ready: /libSQL server on http/,
      logFile: this.#detached ? join(this.spec.dir, "libsql.log") : undefined,
      timeoutMs: 30_000,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    this.#children.push(started);
    this.libsql = record(started.pid);
  }

  /** Signals both processes (SIGKILL: a crash, no handover) and waits until they are gone. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const records = [this.libsql, this.dqlite].filter((r): r is ProcessRecord => r !== null);
    this.libsql = null;
    this.dqlite = null;
    await Promise.all(records.map((r) => stopPid(r.pid, r.startTime, signal)));
    this.#children = [];
  }

  /** Only the libSQL endpoint. */
  async stopLibsqlOnly(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const r = this.libsql;
    this.libsql = null;
    if (r) await stopPid(r.pid, r.startTime, signal);
  }

  /** Only the dqlite member (the libSQL endpoint stays up and reports UNAVAILABLE). */
  async stopDqlite(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const r = this.dqlite;
    this.dqlite = null;
    if (r) await stopPid(r.pid, r.startTime, signal);
  }
}

function record(pid: number): ProcessRecord {
  const startTime = processStartTime(pid);
  if (startTime === null) throw new Error(`process ${pid} ended right after it started`);
  return { pid, startTime };
}
