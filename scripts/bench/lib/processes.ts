// Every process the bench starts: bounded in time (timeout), optionally pinned to a core (taskset),
// in its own process group so it and its children end together, and ended on any exit of ours.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface StartOptions {
  /** Pin to this CPU core (taskset -c). */
  core?: number | undefined;
  /** Hard limit: the process is killed after this long whatever happens to the runner. */
  maxSeconds: number;
  /** Append stdout and stderr to this file instead of piping them to the runner. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Started {
  /** The process group we end (the `timeout` wrapper leads it). */
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const running = new Set<Started>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function start(command: string, args: string[], options: StartOptions): Started {
  const pinned = options.core === undefined ? [] : ["taskset", "-c", String(options.core)];
  const log = options.logFile ? openSync(options.logFile, "a") : undefined;
  const child = spawn(
    "timeout",
    ["--kill-after=5", `${options.maxSeconds}s`, ...pinned, command, ...args],
    {
      detached: true,
      stdio: ["pipe", log ?? "pipe", log ?? "pipe"],
      env: options.env ?? process.env,
    },
  );
  if (log !== undefined) closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const started: Started = {
    pid,
    child,
    exited,
    async stop() {
      running.delete(started);
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(pid, "SIGTERM");
      const late = setTimeout(() => signalGroup(pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(late);
    },
  };
  running.add(started);
  exited.then(() => running.delete(started));
  return started;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** Nothing outlives the runner: Ctrl-C, kill, a thrown error or a normal exit all end our groups. */
export function stopAllOnExit(): void {
  process.on("exit", () => {
    for (const p of running) signalGroup(p.pid, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the bench's processes`);
      stopAll().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
    });
  }
}

/** Runs a command to completion and returns its stdout; rejects on a non-zero exit. */
export function runToEnd(
  command: string,
  args: string[],
  options: { maxSeconds: number; core?: number | undefined; env?: NodeJS.ProcessEnv },
): Promise<string> {
  const p = start(command, args, options);
  let out = "";
  let err = "";
  p.child.stdout?.on("data", (chunk) => (out += chunk));
  p.child.stderr?.on("data", (chunk) => (err += chunk));
  p.child.stdin?.end();
  return p.exited.then((code) => {
    if (code === 0) return out;
    throw new Error(`${command} ${args.join(" ")} exited with ${code}\n${err.slice(-2000)}`);
  });
}
