/** Background processes a local cluster starts: detached, logged to files, stopped by pid. */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname } from "node:path";
import { freePort } from "../../free-port.ts";

/** Starts `command` in its own process group, output to `logFile`; returns its pid. */
export function startDetached(
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: Record<string, string>; cwd?: string },
): number {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const out = openSync(options.logFile, "a");
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child.pid;
}

export function isAlive(pid: number): boolean {
  // 0 and negative pids name process groups (ours included): never a recorded process.
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops the process group led by `pid`: `signal` first, SIGKILL after `graceMs`. Resolves once
 * the leader is gone. Only ever called with pids this cluster started (its state file).
 */
export async function stopGroup(
  pid: number,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 10_000,
): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  if (!isAlive(pid)) return;
  send(signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) send("SIGKILL");
  while (isAlive(pid)) await sleep(20);
  // The group may outlive its leader (a child that ignored the signal): finish it.
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // no group left
  }
}

/** Resolves once something accepts TCP connections at host:port. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs = 30_000,
  gone?: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    if (gone?.()) throw new Error(`the process meant to listen on ${host}:${port} exited`);
    if (Date.now() > deadline)
      throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export { freePort };
