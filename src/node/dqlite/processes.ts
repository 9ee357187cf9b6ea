/** Child processes of a mirrored node: started, waited for, and stopped by pid only. */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";

export type Started = { child: ChildProcess; pid: number };

/**
 * Starts `command args…` and resolves once its stdout matched `ready` (or rejects with its
 * output when it exits first or `timeoutMs` passes). With `logFile`, output goes there and the
 * process is detached (it outlives the caller, e.g. `nimbus db cluster up`).
 */
export async function startProcess(
  command: string,
  args: string[],
  options: { ready: RegExp; logFile?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<Started> {
  const detached = options.logFile !== undefined;
  const log = detached ? openSync(options.logFile as string, "a") : undefined;
  // The log may hold earlier runs' lines: only what this run appends can say it is ready.
  const logStart = log === undefined ? 0 : fstatSync(log).size;
  const child = spawn(command, args, {
    stdio: detached ? ["ignore", log, log] : ["ignore", "pipe", "pipe"],
    detached,
    env: options.env ?? process.env,
  });
  if (log !== undefined) closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  let output = "";
  const rawOutput = () => (detached ? safeRead(options.logFile as string, logStart) : output);
  // For errors: the end of the output, and where the rest is.
  const readOutput = () =>
    detached ? `${tail(rawOutput())}\n(the whole log: ${options.logFile})` : tail(output);
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    let poll: NodeJS.Timeout | undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done(new Error(`${command} was not ready after ${timeoutMs / 1000} s:\n${readOutput()}`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: string | null) =>
      done(
        new Error(`${command} exited (${signal ?? code}) before it was ready:\n${readOutput()}`),
      );
    child.once("exit", onExit);
    if (detached) {
      poll = setInterval(() => {
        if (options.ready.test(rawOutput())) done();
      }, 50);
    } else {
      // Output keeps being read (a full pipe would block the child); its tail is kept.
      child.stdout?.on("data", (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-65_536);
        if (options.ready.test(output)) done();
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-65_536);
      });
    }
  });
  if (detached) child.unref();
  return { child, pid };
}

/** The last lines of a process's output: enough to say why, short enough to read. */
function tail(output: string, lines = 12): string {
  const all = output.trimEnd().split("\n");
  if (all.length <= lines) return all.join("\n");
  return [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)].join("\n");
}

/** The file from byte `offset` on (its earlier bytes are older runs' lines). */
function safeRead(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString("utf8");
  } catch {
    return "";
  }
}

/** The kernel's start time of `pid` (field 22 of /proc/pid/stat), or null if it is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True while `pid` is alive and still the process that started at `startTime`. */
export function isSameProcess(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime;
}

/** Sends `signal` to `pid` and waits (bounded) until it is gone; SIGKILL after the grace time. */
export async function stopPid(
  pid: number,
  startTime: string,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 15_000,
): Promise<void> {
  if (!isSameProcess(pid, startTime)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isSameProcess(pid, startTime)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (Date.now() > deadline + 5_000) throw new Error(`process ${pid} survived SIGKILL`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
