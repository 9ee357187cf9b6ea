// The hono-drizzle peer, unchanged, on the self-hosted libSQL path: workerd querying the local
// libSQL server at DATABASE_URL through Nimbus's own client (a RoutedClient per request, as
// Nimbus opens one per request; single reads go out as one lean Hrana request). Only the driver
// differs: `drizzle-orm/d1` is aliased to d1-over-libsql.ts. Measures what hand-written Hono +
// hono/jsx + drizzle cost on the same database path as the nimbus-libsql target.
import { Cluster } from "../../../../src/nimbus/db/router/cluster.ts";
import { RoutedClient } from "../../../../src/nimbus/db/router/routed-client.ts";
import app from "../hono-drizzle/worker.tsx";

export { LinksRoom } from "../hono-drizzle/worker.tsx";

type Env = { DATABASE_URL: string } & Record<string, unknown>;

let cluster: Cluster | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    cluster ??= new Cluster({
      primary: { url: env.DATABASE_URL },
      replicas: [],
      replicaTimeoutMs: 1000,
      replicaCooldownMs: 5000,
    });
    const client = new RoutedClient(cluster, 0);
    try {
      return await app.fetch(request, { ...env, DB: client }, ctx);
    } finally {
      client.close();
    }
  },
};
