// Runs the demo app the way a developer does (`wrangler dev`), on a free port with its own D1 state.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../../src/node/free-port.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const READY_TIMEOUT_MS = 45_000;

export interface DevServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** wrangler's DevTools port for the Worker (scripts/soak reads the JS heap there). */
  inspectorPort: number;
  /** Stops wrangler and its workerd child, and removes the server's D1 state. */
  stop(): Promise<void>;
}

export { freePort };

function wranglerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CI: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
}

/** Runs wrangler on this test's Node (22), not on whatever `node` is first on PATH. */
async function wrangler(args: string[]): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [WRANGLER, ...args], {
      cwd: ROOT,
      env: wranglerEnv(),
      timeout: 60_000,
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`wrangler ${args.join(" ")} failed:\n${stdout}\n${stderr}`);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

/** Signals wrangler's whole process group: killing wrangler alone would leave workerd serving. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  killGroup(child, "SIGTERM");
  const timer = new Promise<"timeout">((done) => setTimeout(() => done("timeout"), 5_000).unref());
  if ((await Promise.race([exited(child), timer])) === "timeout") killGroup(child, "SIGKILL");
  await exited(child);
  // workerd may outlive its parent by a moment; make sure nothing in the group is left.
  killGroup(child, "SIGKILL");
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `wrangler dev exited (${child.exitCode ?? child.signalCode}) before serving:\n${output()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`wrangler dev did not answer ${url} within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * Applies the migrations to a fresh D1 state folder, optionally loads `seedFile`,
 * then starts `wrangler dev` on a free port and waits until /links answers.
 */
export async function startDevServer(options: { seedFile?: string } = {}): Promise<DevServer> {
  const persistTo = await mkdtemp(join(tmpdir(), "nimbus-e2e-"));
  const d1 = ["DB", "--local", "--persist-to", persistTo];
  await wrangler(["d1", "migrations", "apply", ...d1]);
  if (options.seedFile) await wrangler(["d1", "execute", ...d1, "--file", options.seedFile]);

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
      // What `nimbus dev` writes to .dev.vars (a fresh checkout has none).
      "--var",
      "NIMBUS_ENV:development",
      "--var",
      "EDITOR_PASSWORD:nimbus-editor",
      "--var",
      `SESSION_SECRET:${randomBytes(32).toString("hex")}`,
    ],
    { cwd: ROOT, env: wranglerEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  // If the test run ends without afterAll (an interrupted run), still leave no server behind.
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off("exit", killOnExit);
    await stopProcess(child);
    await rm(persistTo, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`${url}/links`, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, inspectorPort, stop };
}
