/**
 * The mirrored storage engine of the libSQL server: connections to the dqlite cluster through
 * the local nimbus-dqlite node. It keeps the marker table that makes commits exactly-once
 * (see connection.ts) and prunes markers old enough that no retry can still ask about them.
 */
import { analyze, type Statement } from "../../nimbus/db/sql-text.ts";
import { DqliteApi } from "./api.ts";
import { COMMITS_TABLE, CREATE_COMMITS_TABLE, DqliteConnection } from "./connection.ts";

export type DqliteStorageOptions = {
  /** The local nimbus-dqlite node's Unix socket. */
  socket: string;
  /** How long a statement may wait for a (new) leader. Default 30 s. */
  failoverTimeoutMs?: number;
  /** How long a statement waits for another transaction's write lock. Default 5 s. */
  busyTimeoutMs?: number;
  /** Markers older than this are deleted. Default 10 minutes. */
  markerRetentionMs?: number;
};

export class DqliteStorage {
  readonly api: DqliteApi;
  readonly #failoverTimeoutMs: number;
  readonly #retentionMs: number;
  readonly #busyTimeoutMs: number;
  #prune: NodeJS.Timeout | undefined;

  constructor(options: DqliteStorageOptions) {
    this.api = new DqliteApi(options.socket);
    this.#failoverTimeoutMs = options.failoverTimeoutMs ?? 30_000;
    this.#retentionMs = options.markerRetentionMs ?? 10 * 60_000;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  }

  /** Creates the marker table (once per database) and starts pruning it. */
  async open(): Promise<void> {
    await this.#run(CREATE_COMMITS_TABLE);
    this.#prune = setInterval(() => {
      this.#run(`DELETE FROM ${COMMITS_TABLE} WHERE at < ${Date.now() - this.#retentionMs}`).catch(
        () => undefined, // a leader change: the next round prunes
      );
    }, 60_000);
    this.#prune.unref();
  }

  connect(): DqliteConnection {
    return new DqliteConnection({
      api: this.api,
      failoverTimeoutMs: this.#failoverTimeoutMs,
      busyTimeoutMs: this.#busyTimeoutMs,
    });
  }

  /** How long a statement waits for the write lock: the server keeps abandoned transactions shorter. */
  get busyTimeoutMs(): number {
    return this.#busyTimeoutMs;
  }

  close(): void {
    clearInterval(this.#prune);
    this.api.close();
  }

  async #run(sql: string): Promise<void> {
    const conn = this.connect();
    try {
      await conn.execute(analyze(sql)[0] as Statement, []);
    } finally {
      await conn.close();
    }
  }
}
