import { type Client, createClient } from "@libsql/client/web";
import { CREATE_POSITION_TABLE } from "../consistency/position.ts";
import { withTimeout } from "./timeout.ts";

/** One libSQL server: its URL and, for Turso or a protected sqld, its token. */
export interface LibsqlNode {
  url: string;
  authToken?: string | undefined;
}

export interface ClusterOptions {
  primary: LibsqlNode;
  replicas: readonly LibsqlNode[];
  /** A replica that has not answered after this long is skipped (default 1000 ms). */
  replicaTimeoutMs: number;
  /** A replica that failed is left alone for this long (default 5000 ms). */
  replicaCooldownMs: number;
  /** Concurrent HTTP requests per node from one isolate (@libsql/client's limit, default 20). */
  concurrency?: number | undefined;
}

export interface Replica {
  readonly url: string;
  readonly client: Client;
  /** Date.now() until which the replica is skipped after a failure. */
  downUntil: number;
}

/** The shared clients of one primary and its replicas, kept for the life of an isolate. */
export class Cluster {
  readonly primary: Client;
  readonly primaryUrl: string;
  readonly replicas: readonly Replica[];
  readonly #cooldownMs: number;
  #next = 0;
  #ready: Promise<void> | undefined;

  constructor(options: ClusterOptions) {
    const concurrency = options.concurrency;
    this.primaryUrl = options.primary.url;
    this.primary = createClient({ ...options.primary, concurrency });
    this.replicas = options.replicas.map((node) => ({
      url: node.url,
      client: createClient({
        ...node,
        concurrency,
        fetch: withTimeout(options.replicaTimeoutMs),
      }),
      downUntil: 0,
    }));
    this.#cooldownMs = options.replicaCooldownMs;
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
    replica.downUntil = Date.now() + this.#cooldownMs;
  }

  /** Creates the position table on the primary once per isolate (again after `reset`). */
  ready(): Promise<void> {
    this.#ready ??= this.primary.execute(CREATE_POSITION_TABLE).then(
      () => undefined,
      (error: unknown) => {
        this.#ready = undefined;
        throw new Error(
          `Nimbus could not prepare the libSQL primary at ${this.primaryUrl}: ${error instanceof Error ? error.message : error}. Check DATABASE_URL and DATABASE_AUTH_TOKEN.`,
          { cause: error },
        );
      },
    );
    return this.#ready;
  }

  /** Forgets that the position table exists (it was dropped, e.g. by a database reset). */
  reset(): void {
    this.#ready = undefined;
  }

  close(): void {
    this.primary.close();
    for (const replica of this.replicas) replica.client.close();
  }
}
