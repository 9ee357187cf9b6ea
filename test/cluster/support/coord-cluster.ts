/**
 * A small self-hosted cluster for the coordination tests, from real processes: one coordination
 * host (workerd owning the Durable Objects on local disk) and N app nodes (workerd, no Durable
 * Object storage, a service binding to the host). Loopback only, random ports, temp folders.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle } from "../../../scripts/lib/bundle-worker.ts";
import type { AppBundle } from "../../../src/node/cluster/app-bundle.ts";
import {
  type CoordHostProcessOptions,
  type SupervisedCoordHost,
  superviseCoordHost,
} from "../../../src/node/cluster/coord-host.ts";
import { bundleCoordHostEntry, HOST_ENTRY } from "../../../src/node/cluster/coord-host-bundle.ts";
import { describeCoordHost } from "../../../src/node/cluster/coord-host-config.ts";
import { COORD_HOST_ENV } from "../../../src/node/cluster/coord-node.ts";
import { describeNode, writeNodeConfig } from "../../../src/node/cluster/describe-node.ts";
import { workerdBinary } from "../../../src/node/cluster/workerd-binary.ts";
import { freePort } from "../../chaos/support/processes.ts";

const ROOT = join(import.meta.dirname, "../../..");
const APP = join(import.meta.dirname, "coord-app.ts");
export const CRONS = ["*/2 * * * * *"];

/** The fixture app as `nimbus build` sees one: one module and nimbus/coord's bindings. */
function fixtureApp(bundlePath: string): AppBundle {
  return {
    appName: "coord-fixture",
    compatibilityDate: "2026-11-01",
    compatibilityFlags: [],
    vars: {},
    durableObjects: [
      { binding: "NIMBUS_COORDINATOR", className: "NimbusCoordinator", sql: true },
      { binding: "NIMBUS_ROOM", className: "NimbusRoom", sql: true },
    ],
    modules: [{ name: "app.js", path: bundlePath, type: "esModule" }],
    warnings: [],
    crons: CRONS,
  };
}

export interface AppNode {
  name: string;
  url: string;
  process: ChildProcess;
  /** What the node printed (for failure messages). */
  output(): string;
}

export interface CoordCluster {
  host: SupervisedCoordHost;
  hostOptions: CoordHostProcessOptions;
  nodes: AppNode[];
  dir: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function startNode(
  workerd: string,
  name: string,
  config: string,
  url: string,
  env: Record<string, string>,
): Promise<AppNode> {
  const child = spawn(workerd, ["serve", config], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d));
  child.stderr?.on("data", (d: Buffer) => (output += d));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node ${name} exited:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok)
        return { name, url, process: child, output: () => output };
    } catch {
      // not up yet
    }
    await sleep(25);
  }
  child.kill("SIGKILL");
  throw new Error(`node ${name} did not answer within 20 s:\n${output}`);
}

/** Bundles the fixture app, starts the coordination host and `nodeCount` app nodes. */
export async function startCoordCluster(nodeCount = 2): Promise<CoordCluster> {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-coord-cluster-"));
  const workerd = workerdBinary(ROOT);
  const app = fixtureApp(await bundle(APP, dir, "app"));
  const entry = await bundleCoordHostEntry({
    mainModule: "app.js",
    outFile: join(dir, HOST_ENTRY),
    root: ROOT,
  });
  const token = crypto.randomUUID();
  const address = `127.0.0.1:${await freePort()}`;
  const hostConfig = describeCoordHost(app, {
    address,
    storageDir: join(dir, "host-objects"),
    entry,
    crons: CRONS,
    env: { NODE_NAME: "host" },
  });
  const config = writeNodeConfig(hostConfig, join(dir, "coord-host.capnp"));
  const hostOptions: CoordHostProcessOptions = { config, address, workerd, token };
  const host = await superviseCoordHost(hostOptions);
  const nodes: AppNode[] = [];
  try {
    for (let i = 0; i < nodeCount; i++) {
      const name = `node-${String.fromCharCode(97 + i)}`;
      const port = await freePort();
      // What `NIMBUS_COORD_HOST=… nimbus build` writes for a node.
      const node = describeNode(app, {
        name,
        address: `127.0.0.1:${port}`,
        storageDir: join(dir, name),
        env: { [COORD_HOST_ENV]: address },
      });
      const file = writeNodeConfig(
        { ...node, vars: { ...node.vars, NODE_NAME: name } },
        join(dir, `${name}.capnp`),
      );
      nodes.push(
        await startNode(workerd, name, file, `http://127.0.0.1:${port}`, {
          NIMBUS_COORD_TOKEN: token,
        }),
      );
    }
  } catch (error) {
    for (const node of nodes) node.process.kill("SIGKILL");
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host,
    hostOptions,
    nodes,
    dir,
    async stop() {
      await Promise.all(
        nodes.map(
          (node) =>
            new Promise<void>((done) => {
              if (node.process.exitCode !== null || node.process.signalCode !== null) return done();
              node.process.once("exit", () => done());
              node.process.kill("SIGTERM");
            }),
        ),
      );
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
