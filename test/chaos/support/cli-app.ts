/**
 * An app made by the CLI, as a user makes one, without the slow npm install: `nimbus new
 * --skip-install`, then its node_modules linked to this checkout's (nimbus-web is this checkout).
 * Every command runs the built CLI (dist/cli/main.js) in a child process, as `npx nimbus` does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { NIMBUS_ROOT } from "../../../src/cli/tools.ts";
import { workerdBinary } from "../../../src/node/cluster/workerd-binary.ts";
import { linkNodeModules } from "../../support/test-app.ts";

const CLI = join(NIMBUS_ROOT, "dist", "cli", "main.js");

/** `nimbus …args` in `cwd`; resolves with its output, rejects with it on a non-zero exit. */
export function nimbus(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        NO_COLOR: "1",
        FORCE_COLOR: "0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`nimbus ${args.join(" ")} exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** `nimbus new <name> --skip-install` in `parent`, with node_modules as npm install would make it. */
export async function newApp(parent: string, name: string): Promise<string> {
  await nimbus(["new", name, "--skip-install"], parent);
  const app = join(parent, name);
  linkNodeModules(app);
  return app;
}

/** A node `nimbus build` configured, on plain `workerd serve`. */
export interface ServedNode {
  url: string;
  /** What workerd printed (request errors), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** `workerd serve <config>` (a `nimbus build` output) until `GET probe` answers 200. */
export async function serveBuild(
  config: string,
  url: string,
  env: Record<string, string>,
  probe = "/",
): Promise<ServedNode> {
  let output = "";
  const child: ChildProcess = spawn(workerdBinary(NIMBUS_ROOT), ["serve", config], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}${probe}`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`workerd did not answer ${probe} within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, log: () => output, stop };
}
