/** The state file of a local cluster: exactly what `cluster up` started, so `down` stops that. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface ProcessRecord {
  /** What it is, for progress lines: `database`, `gateway gw-1`, `coordination host`. */
  role: string;
  /** 0 when the process is a group managed by its own command (`stop`). */
  pid: number;
  log: string;
  /** Arguments for this CLI that stop it, when stopping is more than a signal to `pid`. */
  stop?: readonly string[];
}

export interface NodeRecord extends ProcessRecord {
  name: string;
  host: string;
  port: number;
  agentPort: number;
  config: string;
  spec: string;
}

export interface GatewayRecord extends ProcessRecord {
  name: string;
  /** What clients use: http://host:port */
  url: string;
  /** Runtime API address nodes check in with. */
  admin: string;
}

export interface ClusterState {
  /** Folder holding the cluster's files (configs, logs, database, storage). */
  dir: string;
  startedAt: string;
  database: ProcessRecord & { url: string; file: string };
  /** Services started before the nodes (the coordination host…), stopped after them. */
  services: ProcessRecord[];
  gateways: GatewayRecord[];
  nodes: NodeRecord[];
  /** Values every node is built with (DATABASE_URL, NIMBUS_TRUSTED_PROXIES…). */
  nodeEnv: Record<string, string>;
  /** Secrets handed to workerd through its environment. */
  secretEnv: Record<string, string>;
  bundle: string;
}

/** Where `cluster up` keeps an app's cluster unless told otherwise. */
export function clusterDir(root: string): string {
  return join(root, ".nimbus", "cluster");
}

export function statePath(dir: string): string {
  return join(dir, "state.json");
}

/** The cluster whose files are in `dir`, if one was started there. */
export function readState(dir: string): ClusterState | undefined {
  const file = statePath(dir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as ClusterState;
}

/** Written atomically (temp file + rename) after every process starts or stops. */
export function writeState(state: ClusterState): void {
  const file = statePath(state.dir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
