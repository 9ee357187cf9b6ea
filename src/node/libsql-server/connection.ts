/**
 * One synchronous libSQL connection to the database file (setup, the replica feed). The server
 * runs statements on ServerConnection (server-connection.ts) instead.
 */
import Database from "libsql";

export type Synchronous = "FULL" | "NORMAL" | "EXTRA" | "OFF";

export type ConnectionOptions = { file: string; synchronous: Synchronous };

export type PreparedStatement = Database.Statement<unknown[]>;

const STATEMENT_CACHE_SIZE = 64;

export class Connection {
  readonly db: Database.Database;
  /** Set when a statement changed per-connection state (PRAGMA, ATTACH, TEMP objects). */
  tainted = false;
  #statements = new Map<string, PreparedStatement>();
  #lastRowid: PreparedStatement | undefined;
  #changes: PreparedStatement | undefined;

  constructor(options: ConnectionOptions) {
    this.db = new Database(options.file);
    // busy_timeout=0: see busy.ts — waiting happens asynchronously, never inside the engine.
    this.db.exec(`PRAGMA busy_timeout = 0; PRAGMA synchronous = ${options.synchronous};`);
  }

  /** True outside of an explicit transaction (sqlite3_get_autocommit). */
  get autocommit(): boolean {
    return !this.db.inTransaction;
  }

  /**
   * Prepares `sql`; integers come back as bigint, rows as arrays. With `cache`, a statement
   * prepared before is reused. Never cache PRAGMAs: SQLite applies flag pragmas such as
   * foreign_keys while compiling, so a reused one would do nothing.
   */
  prepare(sql: string, cache = true): PreparedStatement {
    let stmt = cache ? this.#statements.get(sql) : undefined;
    if (stmt !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, stmt);
      return stmt;
    }
    stmt = this.db.prepare<unknown[]>(sql);
    stmt.safeIntegers(true);
    if (stmt.reader) stmt.raw(true);
    if (!cache) return stmt;
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      this.#statements.delete(this.#statements.keys().next().value as string);
    }
    this.#statements.set(sql, stmt);
    return stmt;
  }

  /** sqlite3_last_insert_rowid() as a bigint. */
  lastInsertRowid(): bigint {
    this.#lastRowid ??= this.prepare("SELECT last_insert_rowid()");
    return (this.#lastRowid.all() as unknown[][])[0]?.[0] as bigint;
  }

  /** sqlite3_changes(): rows changed by the last INSERT, UPDATE or DELETE. */
  changes(): number {
    this.#changes ??= this.prepare("SELECT changes()");
    return Number((this.#changes.all() as unknown[][])[0]?.[0]);
  }

  /** Rolls back an open transaction, if any; true when the connection is clean afterwards. */
  rollback(): boolean {
    if (this.autocommit) return true;
    try {
      this.db.exec("ROLLBACK");
    } catch {
      return false;
    }
    return this.autocommit;
  }

  close(): void {
    this.#statements.clear();
    this.#lastRowid = undefined;
    this.#changes = undefined;
    try {
      this.db.close();
    } catch {
      // already closed
    }
  }
}
