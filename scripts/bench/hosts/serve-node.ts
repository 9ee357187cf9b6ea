/**
 * The node half of a production-path host: the demo's bundle on plain `workerd serve`, configured
 * as `nimbus build` configures a node, with DATABASE_URL on the host's database. Prints the ready
 * line ({"url", "workerdPid", "databaseUrl"}); stops workerd and the database on SIGTERM or when
 * stdin closes (the runner died).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describeBundle, describeNode, writeNodeConfig } from "../../../src/node/cluster/index.ts";
import { waitFor200 } from "../lib/http.ts";

export interface NodeHostSpec {
  root: string;
  /** The wrangler.toml and the folder `wrangler deploy --dry-run` wrote the bundle to. */
  config: string;
  bundleDir: string;
  workerdPath: string;
  dir: string;
  port: number;
  vars: Record<string, string>;
  migrationsDir: string;
  seedCount: number;
  /** Extra arguments for `workerd serve` (e.g. --inspector-addr, to profile it). */
  workerdArgs?: string[];
}

export async function serveNode(
  spec: NodeHostSpec,
  databaseUrl: string,
  stopDatabase: () => Promise<void>,
): Promise<void> {
  const app = await describeBundle(spec.root, spec.bundleDir, spec.config);
  const env = { ...spec.vars, DATABASE_URL: databaseUrl };
  const node = describeNode(app, {
    name: "bench",
    address: `127.0.0.1:${spec.port}`,
    storageDir: join(spec.dir, "storage"),
    env,
    // The run's production vars (NIMBUS_ENV, the cache-bypass secret) are not in wrangler.toml's
    // [vars]: the node reads them from workerd's environment, as it reads its secrets.
    secrets: Object.keys(spec.vars),
  });
  const config = writeNodeConfig(node, join(spec.dir, "node.capnp"));
  const workerd = spawn(spec.workerdPath, ["serve", config, ...(spec.workerdArgs ?? [])], {
    // Its request log lines go to stderr: stdout carries only the ready line.
    stdio: ["ignore", process.stderr, process.stderr],
    env: { ...process.env, ...env },
  });
  const stop = async () => {
    workerd.kill("SIGTERM");
    await stopDatabase();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  workerd.once("exit", (code) => {
    console.error(`workerd exited with ${code}`);
    stopDatabase().finally(() => process.exit(1));
  });
  const url = `http://127.0.0.1:${spec.port}`;
  await waitFor200(`${url}/hello`, { timeoutMs: 30_000, intervalMs: 20 });
  console.log(JSON.stringify({ url, workerdPid: workerd.pid, databaseUrl }));
}
