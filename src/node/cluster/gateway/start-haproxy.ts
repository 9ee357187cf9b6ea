/** Starts one HAProxy gateway on this machine (what `cluster up` does for a single gateway). */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDetached, waitForPort } from "../local/processes.ts";
import type { GatewayRecord } from "../local/state.ts";
import { haproxyConfig } from "./haproxy-config.ts";
import { adminCommand } from "./runtime-api.ts";

/** The haproxy binary: NIMBUS_HAPROXY, else the Debian package's. */
export function haproxyBinary(): string {
  const candidates = [
    process.env.NIMBUS_HAPROXY,
    "/usr/sbin/haproxy",
    "/usr/local/sbin/haproxy",
    "/usr/bin/haproxy",
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found)
    throw new Error(
      "HAProxy is not installed: `apt-get install haproxy` (2.6 or later), or set NIMBUS_HAPROXY.",
    );
  return found;
}

export interface HaproxyGatewayOptions {
  name: string;
  /** Folder for its config, socket and log. */
  dir: string;
  host: string;
  port: number;
}

/** Writes haproxy.cfg, starts HAProxy in the foreground of its own process group, waits for it. */
export async function startHaproxyGateway(options: HaproxyGatewayOptions): Promise<GatewayRecord> {
  const dir = join(options.dir, options.name);
  mkdirSync(dir, { recursive: true });
  const admin = join(dir, "admin.sock");
  const config = join(dir, "haproxy.cfg");
  writeFileSync(
    config,
    haproxyConfig({ bind: `${options.host}:${options.port}`, adminSocket: admin }),
  );
  const log = join(dir, "haproxy.log");
  const pid = startDetached(haproxyBinary(), ["-db", "-f", config], { logFile: log });
  const gone = () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  await waitForPort(options.host, options.port, 15_000, gone);
  // The socket is there once the runtime API answers.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await adminCommand(admin, "show info", 1000);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    role: `gateway ${options.name}`,
    name: options.name,
    pid,
    log,
    url: `http://${options.host}:${options.port}`,
    admin,
  };
}
