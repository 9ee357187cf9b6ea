// Starts the coordination host (plain `workerd serve` on its generated config) and keeps it up:
// `nimbus cluster up` uses this on one machine; on several, the exported systemd unit runs the
// same command with Restart=always.
import { type ChildProcess, spawn } from "node:child_process";

const PREFIX = "/nimbus-coord/v1";
const TOKEN_HEADER = "x-nimbus-coord-token";

export interface CoordHostProcessOptions {
  /** The config `writeCoordHostConfig` wrote. */
  config: string;
  /** `host:port` of its socket, as in the config. */
  address: string;
  /** The workerd binary (`workerdBinary(root)`). */
  workerd: string;
  /** `NIMBUS_COORD_TOKEN`: handed to workerd through its environment, and used to arm the cron clock. */
  token?: string;
  /** More environment for workerd (the app's secrets). */
  env?: Record<string, string>;
  /** How long to wait for the first answer (default 20 s). */
  readyTimeoutMs?: number;
  /** Where the host's output goes (default: discarded, except the last lines on a failed start). */
  onOutput?: (line: string) => void;
}

/** A running coordination host process. */
export interface CoordHostProcess {
  readonly pid: number;
  readonly url: string;
  /** Resolves with the exit code or signal when the process ends. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s). */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Waits until the host answers its health route; throws with its output if it exits or stalls. */
async function untilHealthy(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the coordination host exited (${child.exitCode ?? child.signalCode}):\n${log()}`,
      );
    }
    try {
      const res = await fetch(`${url}${PREFIX}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`the coordination host did not answer within ${timeoutMs} ms:\n${log()}`);
}

/** Arms the cron clock with the config's crons (idempotent); answers the next tick, if any. */
export async function armCron(url: string, token?: string): Promise<number | null> {
  const res = await fetch(`${url}${PREFIX}/cron`, {
    method: "POST",
    headers: token ? { [TOKEN_HEADER]: token } : {},
  });
  const body = (await res.json()) as { next?: number | null; error?: { message: string } };
  if (!res.ok)
    throw new Error(`arming the cron clock failed: ${body.error?.message ?? res.status}`);
  return body.next ?? null;
}

/** Starts one coordination host process and resolves once it serves (and its cron clock is armed). */
export async function startCoordHost(options: CoordHostProcessOptions): Promise<CoordHostProcess> {
  // Checked from this machine: a wildcard listen address is reached on loopback.
  const url = `http://${options.address.replace(/^(\*|0\.0\.0\.0|\[::\]):/, "127.0.0.1:")}`;
  const child = spawn(options.workerd, ["serve", options.config], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...options.env,
      ...(options.token ? { NIMBUS_COORD_TOKEN: options.token } : {}),
    },
  });
  const lines: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      options.onOutput?.(line);
      lines.push(line);
      if (lines.length > 50) lines.shift();
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | string>((done) =>
    child.once("exit", (code, signal) => done(code ?? signal ?? "unknown")),
  );
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    await untilHealthy(url, child, options.readyTimeoutMs ?? 20_000, () => lines.join("\n"));
    await armCron(url, options.token);
  } catch (error) {
    await stop(1_000);
    throw error;
  }
  return { pid: child.pid as number, url, exited, stop };
}

/** A coordination host that is started again whenever it dies, like systemd's Restart=always. */
export interface SupervisedCoordHost {
  /** The process serving now. */
  readonly current: CoordHostProcess;
  /** How many times it was restarted. */
  readonly restarts: number;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/**
 * Starts the host and restarts it when it exits unexpectedly (after `restartDelayMs`, default
 * 100 ms; the port stays the same, so nodes reconnect without being told).
 */
export async function superviseCoordHost(
  options: CoordHostProcessOptions & {
    restartDelayMs?: number;
    onRestart?: (host: CoordHostProcess) => void;
  },
): Promise<SupervisedCoordHost> {
  let current = await startCoordHost(options);
  let restarts = 0;
  let stopping = false;
  const watch = (host: CoordHostProcess) => {
    void host.exited.then(async () => {
      while (!stopping) {
        await sleep(options.restartDelayMs ?? 100);
        if (stopping) return;
        try {
          const next = await startCoordHost(options);
          if (stopping) return await next.stop();
          current = next;
          restarts++;
          options.onRestart?.(current);
          watch(current);
          return;
        } catch (error) {
          options.onOutput?.(`coordination host restart failed: ${String(error)}`);
        }
      }
    });
  };
  watch(current);
  return {
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}

/** What `nimbus cluster coord-host --spec FILE` runs: the supervised host, until SIGTERM. */
export interface CoordHostSpec extends CoordHostProcessOptions {}

/** Runs the coordination host under supervision until SIGTERM/SIGINT, then stops it. */
export async function runCoordHost(spec: CoordHostSpec): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const host = await superviseCoordHost({
    ...spec,
    // An exported unit keeps the token in its environment (secrets.env), not in the spec file.
    token: spec.token ?? process.env.NIMBUS_COORD_TOKEN,
    onOutput: say,
    onRestart: (p) => say(`coordination host restarted (pid ${p.pid}) after an unexpected exit`),
  });
  say(`coordination host serving at ${host.current.url} (pid ${host.current.pid})`);
  await new Promise<void>((done) => {
    const stop = () => void host.stop().then(done);
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
