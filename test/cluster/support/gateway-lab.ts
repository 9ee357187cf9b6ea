/**
 * A small self-hosted cluster in network namespaces: a client machine, two HAProxy gateways
 * (with keepalived sharing a virtual address in "vrrp" mode, each on its own address in
 * "active-active"), and an app machine with a libSQL server and two workerd nodes.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { bundle } from "../../../scripts/lib/bundle-worker.ts";
import { haproxyConfig } from "../../../src/node/cluster/gateway/haproxy-config.ts";
import { haproxyHealthCheck, keepalivedConfig } from "../../../src/node/cluster/keepalived.ts";
import { libsqlTarget, migrate } from "../../../src/node/migrate/index.ts";
import { MIGRATIONS } from "../../unit/data/support/cluster.ts";
import type { LoadResult } from "./load-client.ts";
import { Lab, type Machine, SUBNET } from "./netns.ts";
import { writeNodeConfig } from "./node-config.ts";

export type GatewayMode = "vrrp" | "active-active";

const WEB_PORT = 8080;
const DB_PORT = 8088;
const NODE_PORTS = [8081, 8082];
export const VIRTUAL_ADDRESS = `${SUBNET}.100`;
const WORKERD = join(import.meta.dirname, "../../../node_modules/workerd/bin/workerd");
const LIBSQL_SERVER = join(import.meta.dirname, "../../../scripts/libsql-server.ts");
const LOAD_CLIENT = join(import.meta.dirname, "load-client.ts");

export interface Gateway {
  machine: Machine;
  haproxy: ChildProcess;
  keepalived?: ChildProcess;
}

export interface GatewayLab {
  lab: Lab;
  mode: GatewayMode;
  client: Machine;
  gateways: Gateway[];
  /** The addresses a client uses: the virtual one, or every gateway's. */
  urls: string[];
  databaseFile: string;
  /** Resolves once `check` holds, polling every 50 ms (throws after timeoutMs). */
  until(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** A GET from the client machine (curl-free: a one-off Node fetch inside the namespace). */
  get(url: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  startLoad(options: { rate?: number; readShare?: number }): Promise<LoadRun>;
}

export interface LoadRun {
  /** Successful and failed requests so far. */
  readonly ok: number;
  readonly failed: number;
  untilOk(n: number, timeoutMs?: number): Promise<void>;
  /** Records a moment in the client's clock: call it just before the fault and just after. */
  mark(): Promise<void>;
  stop(): Promise<LoadResult>;
}

function lines(child: ChildProcess, onLine: (line: string) => void): void {
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      onLine(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  });
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startLoad(
  lab: Lab,
  client: Machine,
  urls: string[],
  options: { rate?: number; readShare?: number },
): Promise<LoadRun> {
  const child = lab.spawn(client, process.execPath, [
    LOAD_CLIENT,
    JSON.stringify({ gateways: urls, ...options }),
  ]);
  let ok = 0;
  let failed = 0;
  let marked = 0;
  let result: LoadResult | undefined;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      if (!result) reject(new Error(`load client exited with ${code}: ${stderr}`));
    });
    lines(child, (line) => {
      if (line === "ready") {
        resolve({
          get ok() {
            return ok;
          },
          get failed() {
            return failed;
          },
          untilOk: (n, timeoutMs) => until(`${n} successful requests`, () => ok >= n, timeoutMs),
          async mark() {
            const target = marked + 1;
            child.stdin?.write("mark\n");
            await until("the load client to mark the moment", () => marked >= target, 5_000);
          },
          async stop() {
            child.stdin?.write("stop\n");
            await until("the load client's result", () => result !== undefined, 15_000);
            return result as LoadResult;
          },
        });
      } else if (line.startsWith("marked ")) marked = Number(line.slice(7));
      else if (line.startsWith("progress ")) {
        const [, a, b] = line.split(" ");
        ok = Number(a);
        failed = Number(b);
      } else if (line.startsWith("result ")) result = JSON.parse(line.slice(7)) as LoadResult;
    });
  });
}

/** Builds the lab and starts everything; `lab.cleanup()` undoes it all. */
export async function startGatewayLab(mode: GatewayMode): Promise<GatewayLab> {
  const lab = new Lab();
  try {
    const client = lab.addMachine("client", 2);
    const gatewayMachines = [lab.addMachine("gw1", 11), lab.addMachine("gw2", 12)];
    const app = lab.addMachine("app", 20);

    // The database: migrated on its file first, then served on the app machine's loopback.
    const databaseFile = join(lab.dir, "app.db");
    const setup = createClient({ url: `file:${databaseFile}` });
    await migrate(libsqlTarget(setup), MIGRATIONS);
    setup.close();
    const database = lab.spawn(
      app,
      process.execPath,
      [LIBSQL_SERVER, "--file", databaseFile, "--port", String(DB_PORT)],
      "libsql",
    );

    const workerBundle = await bundle(join(import.meta.dirname, "node-entry.ts"), lab.dir, "node");
    const sessionSecret = randomBytes(32).toString("hex");
    const nodes = NODE_PORTS.map((port, i) => {
      const config = writeNodeConfig({
        dir: lab.dir,
        name: `node${i + 1}`,
        listen: `${app.address}:${port}`,
        bundle: workerBundle,
        databaseUrl: `http://127.0.0.1:${DB_PORT}`,
        sessionSecret,
      });
      lab.spawn(app, WORKERD, ["serve", config], `node${i + 1}`);
      return { name: `node${i + 1}`, address: `${app.address}:${port}`, agentPort: port + 1000 };
    });

    const gateways: Gateway[] = gatewayMachines.map((machine, i) => {
      const cfg = join(lab.dir, `${machine.name}-haproxy.cfg`);
      // The gateway config `cluster up` and `cluster export` write, nodes listed up front (no
      // supervisor here answers the agent-check; HAProxy keeps the weight it has then).
      writeFileSync(
        cfg,
        haproxyConfig({
          bind: `:${WEB_PORT}`,
          adminSocket: join(lab.dir, `${machine.name}-admin.sock`),
          servers: nodes,
        }),
      );
      const haproxy = lab.spawn(machine, "haproxy", ["-db", "-f", cfg], `${machine.name}-haproxy`);
      if (mode !== "vrrp") return { machine, haproxy };
      const conf = join(lab.dir, `${machine.name}-keepalived.conf`);
      writeFileSync(
        conf,
        keepalivedConfig({
          name: machine.name,
          interface: machine.interface,
          address: machine.address,
          peers: gatewayMachines.filter((m) => m !== machine).map((m) => m.address),
          virtualAddress: `${VIRTUAL_ADDRESS}/24`,
          priority: 200 - i * 50,
          virtualRouterId: 51,
          advertInterval: 0.2,
          healthCheck: haproxyHealthCheck(WEB_PORT),
        }),
      );
      const run = (name: string) => join(lab.dir, `${machine.name}-${name}.pid`);
      const keepalived = lab.spawn(
        machine,
        "keepalived",
        [
          "--dont-fork",
          "--log-console",
          "--vrrp",
          "--use-file",
          conf,
          "--pid",
          run("keepalived"),
          "--vrrp_pid",
          run("vrrp"),
          "--checkers_pid",
          run("checkers"),
        ],
        `${machine.name}-keepalived`,
      );
      return { machine, haproxy, keepalived };
    });

    const urls =
      mode === "vrrp"
        ? [`http://${VIRTUAL_ADDRESS}:${WEB_PORT}`]
        : gatewayMachines.map((m) => `http://${m.address}:${WEB_PORT}`);

    const get = async (url: string, headers: Record<string, string> = {}) => {
      const script = `const r = await fetch(${JSON.stringify(url)}, { headers: ${JSON.stringify(headers)} }); console.log(JSON.stringify({ status: r.status, body: await r.text() })); process.exit(0);`;
      const out = await new Promise<string>((resolve, reject) => {
        const child = lab.spawn(client, process.execPath, ["--input-type=module", "-e", script]);
        let text = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        child.once("exit", (code) =>
          code === 0 ? resolve(text) : reject(new Error(`GET ${url} failed (${code})`)),
        );
      });
      return JSON.parse(out) as { status: number; body: string };
    };

    const gatewayLab: GatewayLab = {
      lab,
      mode,
      client,
      gateways,
      urls,
      databaseFile,
      until,
      get,
      startLoad: (options) => startLoad(lab, client, urls, options),
    };
    await until("the database server", () => database.exitCode === null);
    // Every gateway answers through to the nodes; in vrrp mode one gateway holds the address.
    for (const url of urls) {
      await until(
        `${url} to serve the app`,
        async () => (await get(`${url}/links`).catch(() => ({ status: 0 }))).status === 200,
        60_000,
      );
    }
    return gatewayLab;
  } catch (error) {
    // Say why: the last lines each process wrote (keepalived's election, HAProxy, workerd).
    (error as Error).message += `\n${lab.logTails()}`;
    await lab.cleanup();
    throw error;
  }
}

/** Which gateway holds the virtual address now (undefined: none). */
export function addressHolder(lab: GatewayLab): Gateway | undefined {
  return lab.gateways.find((g) => lab.lab.addresses(g.machine).includes(VIRTUAL_ADDRESS));
}
