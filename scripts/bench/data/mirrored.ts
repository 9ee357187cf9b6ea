/**
 * The mirrored database (3 dqlite nodes, src/node/dqlite) next to the single libSQL server and the
 * replica path, measured through workerd: request latency of a page read and of a create, one
 * request at a time; and the write stall when the leader is killed -9 under a stream of creates.
 */
import { join } from "node:path";
import { type MirroredCluster, startMirroredCluster } from "../../../src/node/dqlite/cluster.ts";
import type { MirroredNode } from "../../../src/node/dqlite/node.ts";
import { freePort } from "../lib/http.ts";
import type { DatabasePath } from "./host.ts";
import { hostUrl } from "./page.ts";
import { migrateAndSeed } from "./servers.ts";
import { type Latency, summarize, timeEach } from "./stats.ts";

export interface WorkerdPath {
  name: string;
  describe: string;
  path: Extract<DatabasePath, "libsql" | "libsql-replica">;
  databaseUrl: string;
  replicaUrl?: string;
}

export interface WorkerdLatencyRow {
  name: string;
  describe: string;
  read: Latency;
  write: Latency;
  errors: number;
}

export interface HostContext {
  bundle: string;
  workDir: string;
  migrationsDir: string;
  compatibilityDate: string;
}

const VARS = {
  NIMBUS_ENV: "production",
  SESSION_SECRET: "bench-secret-not-for-production-use-0123456789",
};

async function startHost(context: HostContext, path: WorkerdPath, maxSeconds: number) {
  return hostUrl(
    {
      path: path.path,
      bundle: context.bundle,
      port: await freePort(),
      persistDir: join(context.workDir, `persist-${path.name}`),
      migrationsDir: context.migrationsDir,
      seedCount: 0,
      databaseUrl: path.databaseUrl,
      replicaUrl: path.replicaUrl ?? "",
      compatibilityDate: context.compatibilityDate,
      vars: VARS,
    },
    maxSeconds,
    undefined,
  );
}

let created = 0;
/** POST /links (JSON); true when acknowledged (2xx). Other answers go to `failures`. */
async function create(
  url: string,
  tag = `bench-${process.pid}-${created++}`,
  failures?: string[],
): Promise<boolean> {
  const res = await fetch(`${url}/links`, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ title: `Link ${tag}`, url: `https://example.com/${tag}` }),
  });
  const body = await res.text();
  const ok = res.status >= 200 && res.status < 300;
  if (!ok && failures && failures.length < 3) failures.push(`${res.status} ${body.slice(0, 200)}`);
  return ok;
}

async function readPage(url: string): Promise<boolean> {
  const res = await fetch(`${url}/links`, { headers: { Accept: "application/json" } });
  await res.arrayBuffer();
  return res.status === 200;
}

/**
 * Sequential latencies through one workerd process per path, the paths interleaved in rounds;
 * no new round starts after `deadline` (epoch ms) once two are done.
 */
export async function workerdLatencies(
  context: HostContext,
  paths: WorkerdPath[],
  samples: number,
  deadline = Number.POSITIVE_INFINITY,
): Promise<WorkerdLatencyRow[]> {
  const hosts = [];
  try {
    for (const path of paths) hosts.push(await startHost(context, path, 30 * 60));
    const reads: number[][] = paths.map(() => []);
    const writes: number[][] = paths.map(() => []);
    const errors = paths.map(() => 0);
    const check = (i: number) => (ok: boolean) => {
      if (!ok) errors[i] = (errors[i] ?? 0) + 1;
    };
    for (const [i, host] of hosts.entries()) {
      await timeEach(20, () => readPage(host.url).then(check(i)));
      await timeEach(10, () => create(host.url).then(check(i)));
    }
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      if (round >= 2 && Date.now() > deadline) break;
      for (const [i, host] of hosts.entries()) {
        reads[i]?.push(
          ...(await timeEach(Math.ceil(samples / rounds), () => readPage(host.url).then(check(i)))),
        );
        writes[i]?.push(
          ...(await timeEach(Math.ceil(samples / 3 / rounds), () =>
            create(host.url).then(check(i)),
          )),
        );
      }
    }
    return paths.map((path, i) => ({
      name: path.name,
      describe: path.describe,
      read: summarize(reads[i] ?? []),
      write: summarize(writes[i] ?? []),
      errors: errors[i] ?? 0,
    }));
  } finally {
    for (const host of hosts) await host.stop();
  }
}

export interface FailoverRound {
  /** Longest time without an acknowledged create after the kill. */
  stall_ms: number;
  acknowledged: number;
  failed: number;
  /** Acknowledged creates missing afterwards (must be 0). */
  lost: number;
  /** The first failed answers (status and body). */
  failures: string[];
}

export interface FailoverResult {
  rounds: FailoverRound[];
  stall: Latency & { max_ms: number };
}

async function storedUrls(url: string, prefix: string): Promise<Set<string>> {
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url });
  try {
    const rows = await client.execute({
      sql: "SELECT url FROM links WHERE url LIKE ?",
      args: [`https://example.com/${prefix}-%`],
    });
    return new Set(rows.rows.map((r) => String(r.url).replace("https://example.com/", "")));
  } finally {
    client.close();
  }
}

/**
 * Rounds of: 4 clients create through workerd (the app on a follower's endpoint); the leader's
 * node (dqlite member and endpoint) is killed -9; the stall is the longest pause between
 * acknowledgements after the kill; the node comes back before the next round. No round starts
 * after `deadline` (epoch ms) once one is done.
 */
export async function mirroredFailover(
  context: HostContext,
  cluster: MirroredCluster,
  rounds: number,
  deadline = Number.POSITIVE_INFINITY,
): Promise<FailoverResult> {
  const results: FailoverRound[] = [];
  for (let round = 0; round < rounds; round++) {
    // A round takes about 15 s on a quiet machine: none starts that would overrun the budget.
    if (round >= 1 && Date.now() > deadline) break;
    const leading = await cluster.leader();
    const leader = cluster.nodes[leading] as MirroredNode;
    const app = cluster.nodes[(leading + 1) % cluster.nodes.length] as MirroredNode;
    const host = await startHost(
      context,
      { name: `failover-${round}`, describe: "", path: "libsql", databaseUrl: app.url },
      300,
    );
    const prefix = `failover-${process.pid}-${round}`;
    const acked: string[] = [];
    const ackTimes: number[] = [];
    let failed = 0;
    const failures: string[] = [];
    let next = 0;
    let running = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (running) {
        const tag = `${prefix}-${next++}`;
        const ok = await create(host.url, tag, failures).catch((err: unknown) => {
          if (failures.length < 3) failures.push(String(err));
          return false;
        });
        if (ok) {
          acked.push(tag);
          ackTimes.push(Date.now());
        } else {
          failed++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    });
    const until = async (n: number) => {
      const target = acked.length + n;
      const giveUpAt = Date.now() + 60_000;
      while (acked.length < target && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await until(40);
    const killedAt = Date.now();
    await leader.stop("SIGKILL");
    await until(40);
    running = false;
    await Promise.all(clients);
    await host.stop();
    let previous = killedAt;
    let stall = 0;
    for (const t of ackTimes) {
      if (t < killedAt) continue;
      stall = Math.max(stall, t - previous);
      previous = t;
    }
    const stored = await storedUrls(app.url, prefix);
    results.push({
      stall_ms: stall,
      acknowledged: acked.length,
      failed,
      lost: acked.filter((tag) => !stored.has(tag)).length,
      failures,
    });
    await leader.startDqlite();
    await leader.startLibsql();
  }
  const stalls = results.map((r) => r.stall_ms);
  return { rounds: results, stall: { ...summarize(stalls), max_ms: Math.max(...stalls) } };
}

/** A migrated, seeded 3-node mirrored database in `dir`. */
export async function startBenchCluster(
  dir: string,
  migrationsDir: string,
  seedCount: number,
): Promise<MirroredCluster> {
  const cluster = await startMirroredCluster({ dir, nodes: 3 });
  try {
    const leader = cluster.nodes[await cluster.leader()] as MirroredNode;
    await migrateAndSeed(leader.url, migrationsDir, seedCount);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
