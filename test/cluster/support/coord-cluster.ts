/**
 * A small self-hosted cluster for the coordination tests, from real processes: one coordination
 * host (workerd owning the Durable Objects on local disk) and N app nodes (workerd, no Durable
 * Object storage, a service binding to the host). Loopback only, random ports, temp folders.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { bundle } from "../../../scripts/lib/bundle-worker.ts";
import {
  type CoordHostOptions,
  type SupervisedCoordHost,
  superviseCoordHost,
  workerdBinary,
} from "../../../src/node/cluster/coord-host.ts";
import { bundleCoordHost } from "../../../src/node/cluster/coord-host-bundle.ts";
import {
  capnpText,
  nodeCoordBindings,
  writeCoordHostConfig,
} from "../../../src/node/cluster/coord-host-config.ts";
import { freePort } from "../../chaos/support/processes.ts";

const ROOT = join(import.meta.dirname, "../../..");
const APP = join(import.meta.dirname, "coord-app.ts");
const COMPAT = "2026-11-01";
export const CRONS = ["*/2 * * * * *"];

export interface AppNode {
  name: string;
  url: string;
  process: ChildProcess;
  /** What the node printed (for failure messages). */
  output(): string;
}

export interface CoordCluster {
  host: SupervisedCoordHost;
  hostOptions: CoordHostOptions;
  nodes: AppNode[];
  dir: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function writeNodeConfig(
  dir: string,
  name: string,
  port: number,
  bundlePath: string,
  hostAddress: string,
  token: string,
): string {
  const coord = nodeCoordBindings(hostAddress, token);
  const file = join(dir, `${name}.capnp`);
  writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    ${coord.services.join(",\n    ")},
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "app")],
);
const app :Workerd.Worker = (
  modules = [(name = "app.js", esModule = embed ${capnpText(relative(dir, bundlePath))})],
  compatibilityDate = "${COMPAT}",
  bindings = [
    (name = "NODE_NAME", text = "${name}"),
    ${coord.bindings.join(",\n    ")},
  ],
);
`,
  );
  return file;
}

async function startNode(
  workerd: string,
  name: string,
  config: string,
  url: string,
): Promise<AppNode> {
  const child = spawn(workerd, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
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

/** Bundles the fixture app for the nodes and the host, starts the host and `nodes` app nodes. */
export async function startCoordCluster(nodeCount = 2): Promise<CoordCluster> {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-coord-cluster-"));
  const workerd = await workerdBinary(ROOT);
  const [appBundle, hostBundle] = await Promise.all([
    bundle(APP, dir, "app"),
    bundleCoordHost({ appEntry: APP, outFile: join(dir, "host.js"), root: ROOT }),
  ]);
  const token = crypto.randomUUID();
  const address = `127.0.0.1:${await freePort()}`;
  const storageDir = join(dir, "host-objects");
  mkdirSync(storageDir);
  const config = writeCoordHostConfig({
    file: join(dir, "host.capnp"),
    bundle: hostBundle,
    storageDir,
    address,
    compatibilityDate: COMPAT,
    vars: { NIMBUS_COORD_TOKEN: token, NODE_NAME: "host" },
    crons: CRONS,
  });
  const hostOptions: CoordHostOptions = { config, address, workerd, token };
  const host = await superviseCoordHost(hostOptions);
  const nodes: AppNode[] = [];
  try {
    for (let i = 0; i < nodeCount; i++) {
      const name = `node-${String.fromCharCode(97 + i)}`;
      const port = await freePort();
      const file = writeNodeConfig(dir, name, port, appBundle, address, token);
      nodes.push(await startNode(workerd, name, file, `http://127.0.0.1:${port}`));
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
