/** One libSQL connection to the database file, set up for a server: durable, WAL, no blocking. */
import Database from "libsql";
import { isEngineError } from "./errors.ts";

export type Synchronous = "FULL" | "NORMAL" | "EXTRA" | "OFF";

export type ConnectionOptions = { file: string; synchronous: Synchronous };

export type PreparedStatement = Database.Statement<unknown[]>;

const STATEMENT_CACHE_SIZE = 64;

export class Connection {
  readonly db: Database.Database;
  /** Set when a statement changed per-connection state (PRAGMA, ATTACH, TEMP objects). */
  tainted = false;
  /** Set when a failed statement could not be reset: the connection must not be reused. */
  broken = false;
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

  /**
   * Runs a statement: all rows of a reader (null otherwise) and what `run` reports. A statement
   * that failed is reset before the error leaves (see {@link resetFailed}).
   */
  step(
    stmt: PreparedStatement,
    values: unknown[],
  ): { rows: unknown[][] | null; changes: number; lastInsertRowid: bigint | number } {
    try {
      if (stmt.reader)
        return { rows: stmt.all(values) as unknown[][], changes: 0, lastInsertRowid: 0 };
      const info = stmt.run(values);
      return { rows: null, changes: info.changes, lastInsertRowid: info.lastInsertRowid };
    } catch (err) {
      if (isResumable(err)) this.resetFailed(stmt, values);
      throw err;
    }
  }

  /**
   * Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) runs through exec, which
   * finalizes its statement even when it fails: a BEGIN IMMEDIATE that met SQLITE_BUSY leaves
   * nothing behind, and a COMMIT that failed leaves the transaction open for a retry.
   */
  control(sql: string): void {
    this.db.exec(sql);
  }

  /**
   * The libsql binding resets a statement before it runs, never after it failed. A statement
   * stopped by SQLITE_BUSY stays "running" inside SQLite (resumable), and while it does, the
   * connection's later autocommit writes are never committed: SQLite commits only when the last
   * writing statement ends, so they sit in a hidden transaction that is rolled back when the
   * connection closes — acknowledged writes lost. The binding has no reset(), so the statement
   * is run once more under PRAGMA query_only: `get` resets it first, and a write then fails at
   * once with SQLITE_READONLY, before touching anything (a read simply reads). If even that
   * fails, the connection is marked broken and is closed instead of being reused.
   */
  resetFailed(stmt: PreparedStatement, values: unknown[]): void {
    try {
      this.db.exec("PRAGMA query_only = 1");
      try {
        stmt.get(values);
      } catch (err) {
        if (isResumable(err)) this.broken = true;
      } finally {
        this.db.exec("PRAGMA query_only = 0");
      }
    } catch {
      this.broken = true;
    }
  }

  /** True when the connection can be reused: no transaction open, nothing left running. */
  get reusable(): boolean {
    return this.autocommit && !this.broken && !this.tainted;
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

/**
 * Errors after which SQLite leaves the statement resumable instead of halting it: the SQLITE_BUSY
 * family (lock not granted, including BUSY_SNAPSHOT). Every other error halts the statement.
 */
function isResumable(err: unknown): boolean {
  return isEngineError(err) && err.code.startsWith("SQLITE_BUSY");
}
