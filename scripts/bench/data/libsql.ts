/**
 * The libSQL path measured from Node, through Nimbus's router exactly as a request uses it (one
 * RoutedClient per request) and, for comparison, through a bare @libsql/client.
 */
import { createClient, type InStatement } from "@libsql/client";
import { READ_POSITION } from "../../../src/nimbus/db/consistency/position.ts";
import { type LibsqlEngine, libsql, type RouteListener } from "../../../src/nimbus/db/libsql.ts";
import { RoutedClient } from "../../../src/nimbus/db/router/routed-client.ts";
import { type Latency, summarize, timeEach } from "./stats.ts";

const PAGE = "SELECT * FROM links ORDER BY created_at DESC LIMIT 21";
let tags = 0;
const insert = () => {
  const tag = `bench-${process.pid}-${tags++}-${Math.random().toString(36).slice(2)}`;
  return {
    sql: "INSERT INTO links (created_at, updated_at, title, url) VALUES (?, ?, ?, ?) RETURNING id",
    args: [Date.now(), Date.now(), `Link ${tag}`, `https://example.com/${tag}`],
  };
};

/** One request's worth of routing: a fresh RoutedClient, as the engine makes per request. */
async function request(engine: LibsqlEngine, stmt: InStatement) {
  const client = new RoutedClient(engine.cluster, 0);
  try {
    return await client.execute(stmt);
  } finally {
    client.close();
  }
}

export interface Topology {
  primaryUrl: string;
  replicaUrl: string;
}

export interface LatencyResult {
  read: { raw_primary: Latency; nimbus_primary: Latency; nimbus_replica: Latency };
  write: { raw_primary: Latency; nimbus_primary: Latency };
}

/**
 * Sequential latencies (one call in flight), the paths interleaved in rounds against drift; no
 * new round starts after `deadline` (epoch ms) once two are done, so a slow machine stays in budget.
 */
export async function latencies(
  topology: Topology,
  samples: number,
  deadline = Number.POSITIVE_INFINITY,
): Promise<LatencyResult> {
  const raw = createClient({ url: topology.primaryUrl });
  const primaryOnly = libsql({ url: topology.primaryUrl });
  const withReplica = libsql({ url: topology.primaryUrl, replicas: [topology.replicaUrl] });
  const paths = {
    raw_read: () => raw.execute(PAGE),
    nimbus_primary_read: () => request(primaryOnly, PAGE),
    nimbus_replica_read: () => request(withReplica, PAGE),
    raw_write: () => raw.execute(insert()),
    nimbus_write: () => request(primaryOnly, insert()),
  };
  const times: Record<keyof typeof paths, number[]> = {
    raw_read: [],
    nimbus_primary_read: [],
    nimbus_replica_read: [],
    raw_write: [],
    nimbus_write: [],
  };
  for (const run of Object.values(paths)) await timeEach(20, run); // warm-up
  const rounds = 10;
  for (let round = 0; round < rounds; round++) {
    if (round >= 2 && Date.now() > deadline) break;
    for (const [name, run] of Object.entries(paths) as [
      keyof typeof paths,
      () => Promise<unknown>,
    ][]) {
      const count = name.endsWith("write") ? Math.ceil(samples / 3 / rounds) : samples / rounds;
      times[name].push(...(await timeEach(count, run)));
    }
  }
  raw.close();
  return {
    read: {
      raw_primary: summarize(times.raw_read),
      nimbus_primary: summarize(times.nimbus_primary_read),
      nimbus_replica: summarize(times.nimbus_replica_read),
    },
    write: {
      raw_primary: summarize(times.raw_write),
      nimbus_primary: summarize(times.nimbus_write),
    },
  };
}

export interface LagResult {
  writers: number;
  writes_per_s: number;
  lag: Latency & { max_ms: number };
}

/** How long after its acknowledgement a write shows on the replica, while `writers` keep writing. */
export async function replicaLag(
  topology: Topology,
  writers: number,
  durationS: number,
): Promise<LagResult> {
  const engine = libsql({ url: topology.primaryUrl });
  const replica = createClient({ url: topology.replicaUrl });
  const deadline = Date.now() + durationS * 1000;
  let writes = 0;
  const load = Array.from({ length: writers }, async () => {
    while (Date.now() < deadline) {
      await request(engine, insert());
      writes++;
    }
  });
  const lags: number[] = [];
  while (Date.now() < deadline - 500) {
    const writer = new RoutedClient(engine.cluster, 0);
    await writer.execute(insert());
    writer.close();
    const acknowledged = performance.now();
    for (;;) {
      const seen = Number((await replica.execute(READ_POSITION)).rows[0]?.[0] ?? 0);
      if (seen >= writer.position) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    lags.push(performance.now() - acknowledged);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(load);
  replica.close();
  const summary = summarize(lags);
  return {
    writers,
    writes_per_s: Math.round(writes / durationS),
    lag: { ...summary, max_ms: Math.round(Math.max(...lags) * 100) / 100 },
  };
}

export interface MixedResult {
  replicas: number;
  in_flight: number;
  read_ratio: number;
  ops_per_s: number;
  reads_per_s: number;
  writes_per_s: number;
  served_by_replica: number;
  errors: number;
  read: Latency;
  write: Latency;
}

/** A fixed number of requests in flight, 80 % page reads and 20 % inserts, through the router. */
export async function mixed(
  topology: Topology,
  replicas: number,
  inFlight: number,
  durationS: number,
): Promise<MixedResult> {
  let byReplica = 0;
  let readsRouted = 0;
  const engine = libsql({
    url: topology.primaryUrl,
    replicas: replicas > 0 ? [topology.replicaUrl] : [],
    concurrency: inFlight,
  });
  const onRoute: RouteListener = (event) => {
    if (event.kind !== "read") return;
    readsRouted++;
    if (event.servedBy !== "primary") byReplica++;
  };
  const reads: number[] = [];
  const writes: number[] = [];
  let errors = 0;
  const deadline = Date.now() + durationS * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      // Each loop is one client: it keeps its token from request to request.
      let position = 0;
      while (Date.now() < deadline) {
        const client = new RoutedClient(engine.cluster, position, onRoute);
        const isRead = Math.random() < 0.8;
        const t0 = performance.now();
        try {
          await client.execute(isRead ? PAGE : insert());
          (isRead ? reads : writes).push(performance.now() - t0);
          position = client.position;
        } catch {
          errors++;
        } finally {
          client.close();
        }
      }
    }),
  );
  return {
    replicas,
    in_flight: inFlight,
    read_ratio: 0.8,
    ops_per_s: Math.round((reads.length + writes.length) / durationS),
    reads_per_s: Math.round(reads.length / durationS),
    writes_per_s: Math.round(writes.length / durationS),
    served_by_replica: readsRouted === 0 ? 0 : Math.round((byReplica / readsRouted) * 100) / 100,
    errors,
    read: summarize(reads),
    write: summarize(writes),
  };
}
