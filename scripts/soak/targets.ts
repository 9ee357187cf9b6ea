// Where the soak runs the demo: `dev` (wrangler dev: Miniflare's workerd + local D1, as a
// developer runs it) or `node` (the production path: the bundle `nimbus build` makes on plain
// `workerd serve`, DATABASE_URL on Nimbus's local libSQL server, as scripts/bench's
// nimbus-libsql host runs it). Each says which process is the app node, whose memory is sampled.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { bundleApp } from "../../src/node/cluster/app-bundle.ts";
import { workerdBinary } from "../../src/node/cluster/workerd-binary.ts";
import { startDevServer } from "../../test/e2e/support/dev-server.ts";
import type { NodeHostSpec } from "../bench/hosts/serve-node.ts";
import { freePort } from "../bench/lib/http.ts";
import { start } from "../bench/lib/processes.ts";
import { type HeapUsage, jsHeapAfterGc } from "./js-heap.ts";

export type SoakTargetName = "dev" | "node";

export interface SoakTarget {
  url: string;
  description: string;
  /** How a client's address reaches the app (each soak client has its own, for rate limits). */
  clientHeader: string;
  /** Resident memory of the app node's process(es), KiB. */
  nodeRssKiB(): number;
  /** The same, per process (wrangler dev runs two workerd processes), KiB. */
  nodeRssByProcessKiB(): Record<string, number>;
  /** The isolate's JS heap after a full GC (node target with `heap`), through the V8 inspector. */
  jsHeap?: () => Promise<HeapUsage | undefined>;
  /** Resident memory of the database server's process (node target), KiB. */
  databaseRssKiB(): number | undefined;
  stop(): Promise<void>;
}

function processTable(): Map<number, { ppid: number; name: string }> {
  const table = new Map<number, { ppid: number; name: string }>();
  for (const entry of readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      table.set(entry, {
        name: stat.slice(stat.indexOf("(") + 1, close),
        ppid: Number(stat.slice(close + 2).split(" ")[1]),
      });
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

/** Every process below `root`, with its name. */
function descendants(root: number): { pid: number; name: string }[] {
  const table = processTable();
  const mine = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { ppid }] of table) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(root);
  return [...mine].map((pid) => ({ pid, name: table.get(pid)?.name ?? "?" }));
}

export function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** wrangler dev's workerd processes: its proxy in front, and the runtime (the Worker, D1, cache, DOs). */
function devWorkerds(): { pid: number; label: string }[] {
  return descendants(process.pid)
    .filter((p) => p.name.startsWith("workerd"))
    .map((p) => {
      let args = "";
      try {
        args = readFileSync(`/proc/${p.pid}/cmdline`, "utf8");
      } catch {
        // Gone meanwhile.
      }
      // The runtime listens on a port Miniflare picks (entry=127.0.0.1:0); the proxy on --port.
      const label = args.includes("entry=127.0.0.1:0") ? "runtime" : "proxy";
      return { pid: p.pid, label };
    });
}

async function devTarget(heap: boolean): Promise<SoakTarget> {
  const server = await startDevServer({ seedFile: resolve("src/seed.sql") });
  return {
    url: server.url,
    description: "the demo under wrangler dev (Miniflare: workerd + local D1), seeded",
    // wrangler dev is development mode: the client's CF-Connecting-IP is believed.
    clientHeader: "CF-Connecting-IP",
    nodeRssKiB: () => devWorkerds().reduce((sum, p) => sum + rssKiB(p.pid), 0),
    nodeRssByProcessKiB: () => {
      const out: Record<string, number> = {};
      for (const p of devWorkerds()) out[p.label] = (out[p.label] ?? 0) + rssKiB(p.pid);
      return out;
    },
    databaseRssKiB: () => undefined,
    ...(heap && { jsHeap: () => jsHeapAfterGc(server.inspectorPort, server.url) }),
    stop: () => server.stop(),
  };
}

async function nodeTarget(minutes: number, heap: boolean): Promise<SoakTarget> {
  const root = resolve(".");
  const dir = mkdtempSync(join(tmpdir(), "nimbus-soak-"));
  const bundleDir = join(dir, "bundle");
  const app = await bundleApp(root, bundleDir, join(root, "wrangler.toml"));
  const inspectorPort = heap ? await freePort() : undefined;
  const spec: NodeHostSpec = {
    root,
    config: join(root, "wrangler.toml"),
    bundleDir,
    workerdPath: workerdBinary(root),
    dir,
    port: await freePort(),
    vars: {
      NIMBUS_ENV: "production",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      // The soak stands in for the gateway on loopback: its X-Forwarded-For is believed.
      NIMBUS_TRUSTED_PROXIES: "127.0.0.1",
    },
    migrationsDir: join(root, "migrations"),
    seedCount: 100,
    ...(inspectorPort && { workerdArgs: [`--inspector-addr=127.0.0.1:${inspectorPort}`] }),
  };
  const host = start(
    process.execPath,
    [resolve("scripts/bench/hosts/libsql-host.ts"), JSON.stringify(spec)],
    // Bounded: the soak's length plus time to start and stop.
    { maxSeconds: minutes * 60 + 300, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  host.child.stderr?.on("data", () => {}); // workerd's request log: read and dropped.
  const lines = createInterface({ input: host.child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<{ url: string; workerdPid: number }>((done, fail) => {
    host.exited.then((code) => fail(new Error(`the node host exited (${code}) before ready`)));
    lines.on("line", (line) => {
      if (line.startsWith("{")) done(JSON.parse(line) as { url: string; workerdPid: number });
    });
  });
  // The host is `timeout` → node (libSQL server) → workerd.
  const hostNode = () =>
    descendants(host.pid).find((p) => p.name === "node" || p.name.startsWith("node"))?.pid;
  return {
    url: ready.url,
    description: `the demo's bundle (${app.modules.length} modules, as nimbus build makes it) on plain workerd serve, DATABASE_URL on Nimbus's local libSQL server (seeded with ${spec.seedCount} links), NIMBUS_ENV=production`,
    clientHeader: "X-Forwarded-For",
    nodeRssKiB: () => rssKiB(ready.workerdPid),
    nodeRssByProcessKiB: () => ({ workerd: rssKiB(ready.workerdPid) }),
    ...(inspectorPort && { jsHeap: () => jsHeapAfterGc(inspectorPort, ready.url) }),
    databaseRssKiB: () => {
      const pid = hostNode();
      return pid === undefined ? undefined : rssKiB(pid);
    },
    async stop() {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `heap`: read the Worker's JS heap after a forced GC through the V8 inspector at each sample. */
export function startTarget(name: string, minutes: number, heap = false): Promise<SoakTarget> {
  if (name === "dev") return devTarget(heap);
  if (name === "node") return nodeTarget(minutes, heap);
  throw new Error(`--target ${name}: use dev (wrangler dev) or node (plain workerd + libSQL).`);
}
