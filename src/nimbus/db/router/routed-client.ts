import type {
  Client,
  InArgs,
  InStatement,
  Replicated,
  ResultSet,
  Transaction,
  TransactionMode,
} from "@libsql/client/web";
import {
  BUMP_POSITION,
  missingPositionTable,
  positionOf,
  READ_POSITION,
} from "../consistency/position.ts";
import type { Cluster, Replica } from "./cluster.ts";
import type { RouteEvent, RouteListener, SkipReason } from "./events.ts";
import { classifyFailure } from "./failure.ts";
import { executeOverHttp } from "./hrana-http.ts";
import { isRead, sqlOf } from "./statement.ts";
import { PositionedTransaction } from "./transaction.ts";

type BatchItem = InStatement | [string, InArgs?];

function toStatement(item: BatchItem): InStatement {
  return Array.isArray(item) ? { sql: item[0], args: item[1] ?? [] } : item;
}

/**
 * One request's view of a libSQL primary and its replicas, as a @libsql/client `Client` for
 * drizzle: single reads go to a replica that has caught up with the client's position (else
 * the primary); writes, mixed batches and transactions go to the primary and advance it.
 */
export class RoutedClient implements Client {
  readonly #cluster: Cluster;
  readonly #listener: RouteListener | undefined;
  readonly #clients = new Map<Replica | "primary", Client>();
  /** The client's consistency position: every read must see at least this much. */
  position: number;
  /** The position the client came with. */
  readonly initial: number;
  /** True once this request wrote (then the client must carry the new position). */
  wrote = false;
  closed = false;
  readonly protocol: string;

  constructor(cluster: Cluster, position: number, listener?: RouteListener) {
    this.#cluster = cluster;
    this.#listener = listener;
    this.position = position;
    this.initial = position;
    this.protocol = "http";
  }

  /** This request's client of the primary, made on first use. */
  get #primary(): Client {
    let client = this.#clients.get("primary");
    if (!client) {
      client = this.#cluster.primaryClient();
      this.#clients.set("primary", client);
    }
    return client;
  }

  #replica(replica: Replica): Client {
    let client = this.#clients.get(replica);
    if (!client) {
      client = this.#cluster.replicaClient(replica);
      this.#clients.set(replica, client);
    }
    return client;
  }

  #ready(): Promise<void> {
    return this.#cluster.prepare(this.#primary);
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  async execute(stmt: InStatement, args?: InArgs): Promise<ResultSet> {
    const statement: InStatement =
      typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt;
    const [result] = isRead(sqlOf(statement))
      ? await this.#read([statement])
      : await this.#write([statement]);
    return result as ResultSet;
  }

  async batch(stmts: BatchItem[], mode?: TransactionMode): Promise<ResultSet[]> {
    const statements = stmts.map(toStatement);
    const reads = mode !== "write" && statements.every((s) => isRead(sqlOf(s)));
    return reads ? this.#read(statements) : this.#write(statements);
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    await this.#ready();
    const results = await this.#primary.migrate([...stmts, BUMP_POSITION]);
    this.#advance("write", positionOf(results.pop()));
    return results;
  }

  transaction(mode?: TransactionMode): Promise<Transaction>;
  transaction(): Promise<Transaction>;
  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    await this.#ready();
    const tx = await this.#primary.transaction(mode);
    return new PositionedTransaction(tx, (position) => this.#advance("transaction", position));
  }

  async executeMultiple(sql: string): Promise<void> {
    await this.#ready();
    await this.#primary.executeMultiple(sql);
    this.#advance("write", positionOf(await this.#primary.execute(BUMP_POSITION)));
  }

  async sync(): Promise<Replicated> {
    return undefined;
  }

  /** Releases this request's clients (the engine calls it when the request ends). */
  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
    this.closed = true;
  }

  reconnect(): void {}

  async #read(statements: InStatement[]): Promise<ResultSet[]> {
    if (this.#cluster.replicas.length === 0) return this.#readPrimaryOnly(statements);
    await this.#ready();
    const skipped: { url: string; reason: SkipReason }[] = [];
    for (const replica of this.#cluster.readOrder()) {
      try {
        const [head, ...results] = await this.#replica(replica).batch(
          [READ_POSITION, ...statements],
          "read",
        );
        const seen = positionOf(head);
        if (seen >= this.position) {
          this.position = seen;
          this.#emit({ kind: "read", servedBy: replica.url, skipped, position: seen });
          return results;
        }
        skipped.push({ url: replica.url, reason: "behind" });
      } catch (error) {
        const reason = classifyFailure(error);
        skipped.push({ url: replica.url, reason: reason === "node" ? "down" : reason });
        if (reason === "node") this.#cluster.markDown(replica);
        // The statement's own error: the primary answers it (it may be ahead in schema).
        if (reason === "statement") break;
      }
    }
    const [head, ...results] = await this.#onPrimary(() =>
      this.#primary.batch([READ_POSITION, ...statements], "read"),
    );
    // The primary is the truth, even for a token from the future (a reset database).
    this.position = positionOf(head);
    this.#emit({ kind: "read", servedBy: "primary", skipped, position: this.position });
    return results;
  }

  /** Without replicas every read sees the latest state: no position to check or carry. */
  async #readPrimaryOnly(statements: InStatement[]): Promise<ResultSet[]> {
    const [only] = statements;
    const results =
      statements.length === 1 && only !== undefined
        ? [await this.#executeOnPrimary(only)]
        : await this.#primary.batch(statements, "read");
    this.#emit({ kind: "read", servedBy: "primary", skipped: [], position: this.position });
    return results;
  }

  /** One statement on the primary: one HTTP request without @libsql/client where the URL allows. */
  #executeOnPrimary(statement: InStatement): Promise<ResultSet> {
    const http = this.#cluster.primaryHttp();
    return http === undefined
      ? this.#primary.execute(statement)
      : executeOverHttp(http.endpoint, statement, http.fetch);
  }

  async #write(statements: InStatement[]): Promise<ResultSet[]> {
    await this.#ready();
    const results = await this.#onPrimary(() =>
      this.#primary.batch([...statements, BUMP_POSITION], "write"),
    );
    this.#advance("write", positionOf(results.pop()));
    return results;
  }

  /** Runs `call` on the primary, recreating the position table once if it was dropped. */
  async #onPrimary<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!missingPositionTable(error)) throw error;
      this.#cluster.reset();
      await this.#ready();
      return call();
    }
  }

  #advance(kind: RouteEvent["kind"], position: number): void {
    this.position = position;
    this.wrote = true;
    this.#emit({ kind, servedBy: "primary", skipped: [], position });
  }

  #emit(event: RouteEvent): void {
    this.#listener?.(event);
  }
}
