import { drizzle } from "drizzle-orm/libsql/web";
import type { Context } from "hono";
import { parsePosition } from "./consistency/position.ts";
import { readToken, writeToken } from "./consistency/token.ts";
import { type DatabaseEngine, DRIZZLE_CONFIG, type NimbusDatabase } from "./database.ts";
import { Cluster, type LibsqlNode } from "./router/cluster.ts";
import type { RouteListener } from "./router/events.ts";
import { RoutedClient } from "./router/routed-client.ts";

export type { LibsqlNode } from "./router/cluster.ts";
export type { RouteEvent, RouteListener, SkipReason } from "./router/events.ts";

export interface LibsqlOptions {
  /**
   * The primary: `libsql://…` (Turso), `https://…` or `http://…` (sqld, the local server). For a
   * mirrored database, several of its nodes' endpoints separated by commas: requests go to one,
   * and move to the next once it cannot be reached.
   */
  url: string;
  /** Token for the primary, and for replicas that don't name their own. */
  authToken?: string | undefined;
  /** Read replicas; reads go to one that has caught up with the client, else to the primary. */
  replicas?: readonly (string | LibsqlNode)[];
  /** A replica that has not answered after this long is skipped (default 1000 ms). */
  replicaTimeoutMs?: number;
  /** A replica that failed is left alone for this long (default 5000 ms). */
  replicaCooldownMs?: number;
  /** Concurrent HTTP requests per server from one request (default 20). */
  concurrency?: number;
  /** Called for every routed call: which node served it, which replicas were passed over. */
  onRoute?: RouteListener;
}

export interface LibsqlEngine extends DatabaseEngine {
  /** The primary and replicas of this engine, with the replicas' recent failures. */
  readonly cluster: Cluster;
}

function node(entry: string | LibsqlNode, authToken: string | undefined): LibsqlNode {
  return typeof entry === "string" ? { url: entry, authToken } : { authToken, ...entry };
}

/**
 * Queries go to a libSQL primary and its read replicas (Turso, sqld, `nimbus db serve`):
 * reads to a replica that has caught up with the client's consistency token, writes and
 * transactions to the primary. The token travels in a cookie (pages) or header (API).
 *
 * @example
 * createApp({ database: libsql({ url: "http://127.0.0.1:8080", replicas: ["http://127.0.0.1:8081"] }) })
 */
export function libsql(options: LibsqlOptions): LibsqlEngine {
  const cluster = new Cluster({
    primary: node(options.url, options.authToken),
    replicas: (options.replicas ?? []).map((entry) => node(entry, options.authToken)),
    replicaTimeoutMs: options.replicaTimeoutMs ?? 1000,
    replicaCooldownMs: options.replicaCooldownMs ?? 5000,
    concurrency: options.concurrency,
  });
  const requests = new WeakMap<Context, RoutedClient>();
  return {
    cluster,
    // Outside a request there is no client token to honour: everything goes to the primary's view.
    connect: () =>
      drizzle(
        new RoutedClient(cluster, 0, options.onRoute),
        DRIZZLE_CONFIG,
      ) as unknown as NimbusDatabase,
    open(c) {
      const client = new RoutedClient(cluster, parsePosition(readToken(c)), options.onRoute);
      requests.set(c, client);
      return drizzle(client, DRIZZLE_CONFIG) as unknown as NimbusDatabase;
    },
    close(c) {
      const client = requests.get(c);
      if (!client) return;
      client.close();
      if (client.position > 0) {
        writeToken(c, String(client.position), client.wrote || client.position > client.initial);
      }
    },
    token(c) {
      const position = requests.get(c)?.position ?? 0;
      return position > 0 ? String(position) : undefined;
    },
  };
}
