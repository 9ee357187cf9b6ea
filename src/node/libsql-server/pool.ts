/**
 * Idle connections kept for reuse: a stream takes one, and gives it back clean when it closes.
 * The pool keeps as many as were busy at once (up to maxIdle, the server's stream limit by
 * default): under steady load every request finds a warm connection — opening one (file, schema,
 * PRAGMAs, statement cache) costs far more than the statement it would run. Connections left idle
 * for idleMs are closed, so a burst does not pin its connections' caches for good.
 */
import { ServerConnection, type ServerConnectionOptions } from "./server-connection.ts";

export type PoolLimits = {
  /** Most idle connections kept. Default 128 (the server's default stream limit). */
  maxIdle?: number;
  /** An idle connection unused for this long is closed. Default 30 s. */
  idleMs?: number;
};

export class ConnectionPool {
  readonly options: ServerConnectionOptions;
  readonly maxIdle: number;
  readonly idleMs: number;
  /** Least recently used first: acquire takes the warmest (last), trimming starts at the front. */
  #idle: { conn: ServerConnection; since: number }[] = [];
  #trimTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ServerConnectionOptions, limits: PoolLimits = {}) {
    this.options = options;
    this.maxIdle = limits.maxIdle ?? 128;
    this.idleMs = limits.idleMs ?? 30_000;
  }

  /** Idle connections right now. */
  get idleCount(): number {
    return this.#idle.length;
  }

  async acquire(): Promise<ServerConnection> {
    if (this.#closed) throw new Error("The libSQL server is shutting down");
    return this.#idle.pop()?.conn ?? (await ServerConnection.open(this.options));
  }

  /**
   * Rolls back what the stream left open. Only a connection verified back in autocommit
   * (sqlite3_get_autocommit, read after every failed statement was reset) with nothing left
   * running and no per-connection state goes back to the pool; any other is closed.
   */
  async release(conn: ServerConnection): Promise<void> {
    await conn.rollback();
    if (!conn.reusable || this.#closed || this.#idle.length >= this.maxIdle) {
      conn.close();
      return;
    }
    this.#idle.push({ conn, since: Date.now() });
    this.#scheduleTrim();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#trimTimer);
    for (const { conn } of this.#idle.splice(0)) conn.close();
  }

  #scheduleTrim(): void {
    if (this.#trimTimer !== undefined) return;
    this.#trimTimer = setTimeout(() => {
      this.#trimTimer = undefined;
      const cutoff = Date.now() - this.idleMs;
      while ((this.#idle[0]?.since ?? Number.POSITIVE_INFINITY) <= cutoff) {
        this.#idle.shift()?.conn.close();
      }
      if (this.#idle.length > 0) this.#scheduleTrim();
    }, this.idleMs);
    this.#trimTimer.unref();
  }
}
