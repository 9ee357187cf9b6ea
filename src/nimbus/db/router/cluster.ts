import { type Client, createClient } from "@libsql/client/web";
import { ServiceUnavailable } from "../../http/errors.ts";
import { CREATE_POSITION_TABLE } from "../consistency/position.ts";
import { type HranaEndpoint, hranaEndpoint } from "./hrana-http.ts";
import { withTimeout } from "./timeout.ts";

/**
 * The database could not be reached (its server died, a mirrored database is between leaders):
 * the request answers 503 and may be retried; a write in flight may or may not have committed.
 */
function databaseUnavailable(error: unknown): ServiceUnavailable {
  const unavailable = new ServiceUnavailable(
    "The database did not answer. It may be restarting or changing leaders; try again in a moment.",
  );
  unavailable.cause = error;
  return unavailable;
}

/** One libSQL server: its URL and, for Turso or a protected sqld, its token. */
export interface LibsqlNode {
  url: string;
  authToken?: string | undefined;
}

export interface ClusterOptions {
  primary: LibsqlNode;
  replicas: readonly LibsqlNode[];
  /** A replica that has not answered after this long is skipped. */
  replicaTimeoutMs: number;
  /** A replica that failed is left alone for this long. */
  replicaCooldownMs: number;
  /** Concurrent HTTP requests per server from one request's client (@libsql/client's limit). */
  concurrency?: number | undefined;
}

/** How a single statement reaches the primary without @libsql/client (see hrana-http.ts). */
export interface PrimaryHttp {
  endpoint: HranaEndpoint;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

export interface Replica {
  readonly url: string;
  readonly node: LibsqlNode;
  /** Date.now() until which the replica is skipped after a failure. */
  downUntil: number;
}

/**
 * What one isolate knows about a primary and its replicas: their addresses and which replicas
 * failed lately. Clients are made per request (`connect`): workerd forbids a request to touch
 * I/O that another request started, and a shared @libsql/client queues one request's fetches
 * behind another's. Over HTTP (Hrana v2) a client costs no round trip to make.
 */
export class Cluster {
  readonly primary: LibsqlNode;
  readonly replicas: readonly Replica[];
  readonly #options: ClusterOptions;
  readonly #replicaFetch: (request: Request) => Promise<Response>;
  /** The primary's addresses: one, or several endpoints of a mirrored database (comma-separated). */
  readonly #primaryUrls: string[];
  /** Per primary address: its Hrana endpoint when it is a plain http(s) URL. */
  readonly #primaryEndpoints: (HranaEndpoint | undefined)[];
  #primaryIndex = 0;
  #next = 0;
  #prepared = false;

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.primary = options.primary;
    this.#primaryUrls = options.primary.url.split(/[\s,]+/).filter(Boolean);
    this.#primaryEndpoints = this.#primaryUrls.map((url) =>
      hranaEndpoint(url, options.primary.authToken),
    );
    this.replicas = options.replicas.map((node) => ({ url: node.url, node, downUntil: 0 }));
    this.#replicaFetch = withTimeout(options.replicaTimeoutMs);
  }

  /**
   * A client of the primary, for one request. With several primary endpoints (each one can
   * serve every query, as a mirrored database's nodes do), one that could not be reached is
   * left for the next: the failed request still fails — a write in flight may have committed,
   * so it is never sent twice — and the following requests go to the next endpoint. A primary
   * that cannot be reached is a 503 for the request (retry later), not a 500.
   */
  primaryClient(): Client {
    const several = this.#primaryUrls.length > 1;
    const index = this.#primaryIndex;
    const url = several
      ? (this.#primaryUrls[index % this.#primaryUrls.length] as string)
      : this.primary.url;
    return createClient({
      ...this.primary,
      url,
      concurrency: this.#options.concurrency,
      fetch: async (request: Request) => {
        try {
          return await fetch(request);
        } catch (error) {
          if (several && this.#primaryIndex === index) this.#primaryIndex = index + 1;
          throw databaseUnavailable(error);
        }
      },
    });
  }

  /**
   * The primary's endpoint for one statement sent without @libsql/client, with the same
   * failover between endpoints as primaryClient; undefined when the URL needs @libsql/client
   * (libsql:, ws:, a path or query).
   */
  primaryHttp(): PrimaryHttp | undefined {
    const index = this.#primaryIndex;
    const endpoint = this.#primaryEndpoints[index % this.#primaryEndpoints.length];
    if (endpoint === undefined) return undefined;
    if (this.#primaryUrls.length < 2) return { endpoint, fetch: (url, init) => fetch(url, init) };
    return {
      endpoint,
      fetch: async (url, init) => {
        try {
          return await fetch(url, init);
        } catch (error) {
          if (this.#primaryIndex === index) this.#primaryIndex = index + 1;
          throw error;
        }
      },
    };
  }

  /** A client of `replica` that gives up after the replica timeout, for one request. */
  replicaClient(replica: Replica): Client {
    return createClient({
      ...replica.node,
      concurrency: this.#options.concurrency,
      fetch: this.#replicaFetch,
    });
  }

  /** Replicas to try for one read: healthy ones, starting at the next in turn. */
  readOrder(): Replica[] {
    const now = Date.now();
    const healthy = this.replicas.filter((replica) => replica.downUntil <= now);
    if (healthy.length < 2) return healthy;
    const start = this.#next++ % healthy.length;
    return [...healthy.slice(start), ...healthy.slice(0, start)];
  }

  markDown(replica: Replica): void {
    replica.downUntil = Date.now() + this.#options.replicaCooldownMs;
  }

  /** Creates the position table on the primary, through `primary`, until it once succeeded. */
  async prepare(primary: Client): Promise<void> {
    if (this.#prepared) return;
    try {
      await primary.execute(CREATE_POSITION_TABLE);
    } catch (error) {
      throw new Error(
        `Nimbus could not prepare the libSQL primary at ${this.primary.url}: ${error instanceof Error ? error.message : error}. Check DATABASE_URL and DATABASE_AUTH_TOKEN.`,
        { cause: error },
      );
    }
    this.#prepared = true;
  }

  /** Forgets that the position table exists (it was dropped, e.g. by a database reset). */
  reset(): void {
    this.#prepared = false;
  }
}
