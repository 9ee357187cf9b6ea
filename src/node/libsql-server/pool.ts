/** Idle connections kept for reuse: a stream takes one, and gives it back clean when it closes. */
import { ServerConnection, type ServerConnectionOptions } from "./server-connection.ts";

export class ConnectionPool {
  readonly options: ServerConnectionOptions;
  readonly maxIdle: number;
  #idle: ServerConnection[] = [];
  #closed = false;

  constructor(options: ServerConnectionOptions, maxIdle = 16) {
    this.options = options;
    this.maxIdle = maxIdle;
  }

  async acquire(): Promise<ServerConnection> {
    if (this.#closed) throw new Error("The libSQL server is shutting down");
    return this.#idle.pop() ?? (await ServerConnection.open(this.options));
  }

  /**
   * Rolls back what the stream left open. Only a connection verified back in autocommit
   * (sqlite3_get_autocommit, read after every failed statement was reset) with nothing left
   * running and no per-connection state goes back to the pool; any other is closed.
   */
  async release(conn: ServerConnection): Promise<void> {
    await conn.rollback();
    if (!conn.reusable || this.#closed || this.#idle.length >= this.maxIdle) conn.close();
    else this.#idle.push(conn);
  }

  close(): void {
    this.#closed = true;
    for (const conn of this.#idle.splice(0)) conn.close();
  }
}
