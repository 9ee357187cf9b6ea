import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "./errors.ts";

/** The nimbus-web package this CLI runs from (its package.json names the tested tool versions). */
export const NIMBUS_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every child gets these: no telemetry, nothing that waits on the network. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, WRANGLER_SEND_METRICS: "false", DO_NOT_TRACK: "1", ...extra };
}

/** The script behind the app's `node_modules/.bin/<name>`: tools always come from the app. */
export function toolScript(root: string, name: string): string {
  const script = join(root, "node_modules", ".bin", name);
  if (existsSync(script)) return script;
  throw new CliError(`${name} is not installed in ${root}.`, {
    hint: "Run `npm install` in the app first.",
  });
}

export interface RunOptions {
  cwd: string;
  /** Show the tool's output as it comes (default: keep it, and show it only if the tool fails). */
  inherit?: boolean;
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Runs a tool from node_modules/.bin on this Node to completion; a failure carries its output. */
export function runTool(
  name: string,
  args: readonly string[],
  options: RunOptions,
): Promise<string> {
  return runProcess(
    process.execPath,
    [toolScript(options.cwd, name), ...args],
    options,
    `${name} ${args.join(" ")}`,
  );
}

export function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions,
  label = file,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: toolEnv(options.env),
      stdio: ["ignore", options.inherit ? "inherit" : "pipe", options.inherit ? "inherit" : "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          child.kill("SIGTERM");
          reject(
            new CliError(`\`${label}\` took longer than ${options.timeoutMs} ms and was stopped.`, {
              hint: tail(output),
            }),
          );
        }, options.timeoutMs)
      : undefined;
    child.on("error", (error) =>
      reject(new CliError(`Could not start \`${label}\`: ${error.message}`)),
    );
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new CliError(`\`${label}\` failed (exit code ${code}).`, { hint: tail(output) }));
    });
  });
}

function tail(output: string): string {
  const lines = output.trimEnd().split("\n");
  return lines.slice(-25).join("\n");
}

/**
 * Starts a long-running tool (wrangler dev) in its own process group, so stopping it stops
 * everything it started (workerd included). Ctrl-C and SIGTERM to us go to that group; whatever
 * hasn't exited 5 s later is killed.
 */
export function startService(
  name: string,
  args: readonly string[],
  cwd: string,
): { pid: number; exited: Promise<number>; stop(): void } {
  const child = spawn(process.execPath, [toolScript(cwd, name), ...args], {
    cwd,
    env: toolEnv(),
    // Its own group, so it doesn't read our stdin: a terminal would stop a background reader.
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new CliError(`Could not start ${name}.`);
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const forward = (signal: NodeJS.Signals) => {
    signalGroup(signal);
    setTimeout(() => signalGroup("SIGKILL"), 5000).unref();
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  // A wrapper that dies without passing its signal on (npm, sh) leaves us orphaned: stop then too.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent) forward("SIGTERM");
  }, 1000);
  const killLeftovers = () => signalGroup("SIGKILL");
  process.on("exit", killLeftovers);
  const exited = new Promise<number>((resolve) => {
    child.on("exit", (code, signal) => {
      clearInterval(orphaned);
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      process.off("exit", killLeftovers);
      killLeftovers();
      resolve(code ?? (signal === "SIGINT" ? 130 : 143));
    });
  });
  return { pid, exited, stop: () => forward("SIGTERM") };
}
