/**
 * One server connection to the database file, on libsql's promise API: the first step of every
 * statement (where a query does most of its work, and a write all of it) runs on the binding's
 * worker threads, so a slow statement does not stall other clients or the health check, and a
 * timer can stop it with sqlite3_interrupt (Database#interrupt) — the per-statement time limit.
 * Rows after the first are fetched on the main thread, 100 per call; limits are checked
 * between those calls.
 */
import PromiseDatabase from "libsql/promise";
import type { Synchronous } from "./connection.ts";
import { isEngineError, isRetryableBusy, StmtError } from "./errors.ts";

/** How long opening a connection waits out another connection's lock (reading the schema). */
const OPEN_BUSY_WAIT_MS = 5_000;

export type ServerConnectionOptions = { file: string; synchronous: Synchronous };

/** The part of libsql/promise's Statement this server uses (the package types it as any). */
export interface AsyncStatement {
  readonly reader: boolean;
  raw(toggle?: boolean): AsyncStatement;
  safeIntegers(toggle?: boolean): AsyncStatement;
  get(values: unknown[]): unknown;
  iterate(values: unknown[]): Promise<Iterator<unknown[]>>;
  columns(): { name: string; type: string | null }[];
}

interface AsyncDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): Promise<AsyncStatement>;
  exec(sql: string): Promise<void>;
  interrupt(): void;
  close(): void;
}

/** Limits on one statement's execution. */
export type StepLimits = {
  /** Interrupt the statement after this long. */
  timeLimitMs?: number | undefined;
  /** Stop reading rows past this estimated size (applies to reads only: see step). */
  maxResultBytes?: number | undefined;
};

const STATEMENT_CACHE_SIZE = 64;

export class ServerConnection {
  readonly #db: AsyncDatabase;
  /** Set when a statement changed per-connection state (PRAGMA, ATTACH, TEMP objects). */
  tainted = false;
  /** Set when a failed statement could not be reset: the connection must not be reused. */
  broken = false;
  #statements = new Map<string, AsyncStatement>();
  readonly #changes: AsyncStatement;
  readonly #lastRowid: AsyncStatement;

  private constructor(db: AsyncDatabase, changes: AsyncStatement, lastRowid: AsyncStatement) {
    this.#db = db;
    this.#changes = changes;
    this.#lastRowid = lastRowid;
  }

  /**
   * Opens a connection. With busy_timeout 0, reading the schema can meet another connection's
   * write lock (SQLITE_BUSY): wait it out here, asynchronously, as statements do (busy.ts).
   */
  static async open(options: ServerConnectionOptions): Promise<ServerConnection> {
    const deadline = Date.now() + OPEN_BUSY_WAIT_MS;
    for (;;) {
      try {
        return await ServerConnection.#openOnce(options);
      } catch (err) {
        if (!isRetryableBusy(err) || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }

  static async #openOnce(options: ServerConnectionOptions): Promise<ServerConnection> {
    const db = new PromiseDatabase(options.file, {}) as unknown as AsyncDatabase;
    try {
      // busy_timeout=0: see busy.ts — waiting happens asynchronously, never inside the engine.
      await db.exec(`PRAGMA busy_timeout = 0; PRAGMA synchronous = ${options.synchronous};`);
      const changes = (await db.prepare("SELECT changes()")).raw(true).safeIntegers(true);
      const lastRowid = (await db.prepare("SELECT last_insert_rowid()"))
        .raw(true)
        .safeIntegers(true);
      return new ServerConnection(db, changes, lastRowid);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** True outside of an explicit transaction (sqlite3_get_autocommit). */
  get autocommit(): boolean {
    return !this.#db.inTransaction;
  }

  /** True when the connection can be reused: no transaction open, nothing left running. */
  get reusable(): boolean {
    return this.autocommit && !this.broken && !this.tainted;
  }

  /**
   * Prepares `sql`; integers come back as bigint, rows as arrays. With `cache`, a statement
   * prepared before is reused. Never cache PRAGMAs: SQLite applies flag pragmas such as
   * foreign_keys while compiling, so a reused one would do nothing.
   */
  async prepare(sql: string, cache = true): Promise<AsyncStatement> {
    let stmt = cache ? this.#statements.get(sql) : undefined;
    if (stmt !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, stmt);
      return stmt;
    }
    stmt = await this.#db.prepare(sql);
    stmt.safeIntegers(true);
    if (stmt.reader) stmt.raw(true);
    if (!cache) return stmt;
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      this.#statements.delete(this.#statements.keys().next().value as string);
    }
    this.#statements.set(sql, stmt);
    return stmt;
  }

  /**
   * Runs a statement: its rows (a reader) or null. A statement that failed is reset before the
   * error leaves (see resetFailed). The size limit stops reads only: a write with RETURNING
   * has done its work by its first row, and stopping it there would report a failure for a
   * write that SQLite then commits — so its rows are always read to the end.
   */
  async step(
    stmt: AsyncStatement,
    values: unknown[],
    limits: StepLimits,
    isRead: boolean,
  ): Promise<unknown[][] | null> {
    const timeLimit = limits.timeLimitMs;
    const deadline = timeLimit === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeLimit;
    const timer =
      timeLimit === undefined ? undefined : setTimeout(() => this.#db.interrupt(), timeLimit);
    let rows: Iterator<unknown[]>;
    let next: IteratorResult<unknown[]>;
    try {
      rows = await stmt.iterate(values);
      // the binding keeps the first step's outcome (row, end or error) for the first next()
      next = rows.next();
    } catch (err) {
      throw await this.#failed(err, stmt, values, timeLimit);
    } finally {
      clearTimeout(timer);
    }
    if (!stmt.reader) return null;
    const result: unknown[][] = [];
    const maxBytes = isRead ? (limits.maxResultBytes ?? Number.POSITIVE_INFINITY) : Infinity;
    let bytes = 0;
    try {
      while (!next.done) {
        result.push(next.value);
        bytes += estimateSize(next.value);
        if (bytes > maxBytes) {
          this.#abandon(rows);
          throw new StmtError(
            "RESPONSE_TOO_LARGE",
            `Response is too large: the result of this statement exceeds the limit of ${maxBytes} bytes`,
          );
        }
        if (isRead && Date.now() > deadline) {
          this.#abandon(rows);
          throw tooSlow(timeLimit as number);
        }
        next = rows.next();
      }
    } catch (err) {
      throw err instanceof StmtError ? err : await this.#failed(err, stmt, values, timeLimit);
    }
    return result;
  }

  /** Leaves the connection clean after a failed step; the error to report. */
  async #failed(
    err: unknown,
    stmt: AsyncStatement,
    values: unknown[],
    timeLimit: number | undefined,
  ): Promise<unknown> {
    if (isResumable(err)) await this.resetFailed(stmt, values);
    return timeLimit !== undefined && isInterrupt(err) ? tooSlow(timeLimit) : err;
  }

  /** Stops a statement that still has rows to give: interrupted, its next step halts it. */
  #abandon(rows: Iterator<unknown[]>): void {
    this.#db.interrupt();
    try {
      for (let i = 0; i <= 100 && !rows.next().done; i++);
    } catch {
      // SQLITE_INTERRUPT: the statement is halted and reset
    }
  }

  /** sqlite3_changes(): rows changed by the last INSERT, UPDATE or DELETE. */
  changes(): number {
    return Number((this.#changes.get([]) as unknown[])[0]);
  }

  /** sqlite3_last_insert_rowid() as a bigint. */
  lastInsertRowid(): bigint {
    return (this.#lastRowid.get([]) as unknown[])[0] as bigint;
  }

  /**
   * Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) runs through exec, which
   * finalizes its statement even when it fails: a BEGIN IMMEDIATE that met SQLITE_BUSY leaves
   * nothing behind, and a COMMIT that failed leaves the transaction open for a retry.
   */
  async control(sql: string): Promise<void> {
    await this.#db.exec(sql);
  }

  /**
   * The libsql binding resets a statement before it runs, never after it failed. A statement
   * stopped by SQLITE_BUSY stays "running" inside SQLite (resumable), and while it does, the
   * connection's later autocommit writes are never committed: SQLite commits only when the last
   * writing statement ends, so they sit in a hidden transaction that is rolled back when the
   * connection closes — acknowledged writes lost. The binding has no reset(), so the statement
   * is run once more under PRAGMA query_only: `get` resets it first, and a write then fails at
   * once with SQLITE_READONLY, before touching anything (a read simply reads its first row). If
   * even that fails, the connection is marked broken and is closed instead of being reused.
   */
  async resetFailed(stmt: AsyncStatement, values: unknown[]): Promise<void> {
    try {
      await this.#db.exec("PRAGMA query_only = 1");
      try {
        stmt.get(values);
      } catch (err) {
        if (isResumable(err)) this.broken = true;
      } finally {
        await this.#db.exec("PRAGMA query_only = 0");
      }
    } catch {
      this.broken = true;
    }
  }

  /** Rolls back an open transaction, if any; true when the connection is clean afterwards. */
  async rollback(): Promise<boolean> {
    if (this.autocommit) return true;
    try {
      await this.#db.exec("ROLLBACK");
    } catch {
      return false;
    }
    return this.autocommit;
  }

  close(): void {
    this.#statements.clear();
    try {
      this.#db.close();
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

function isInterrupt(err: unknown): boolean {
  return isEngineError(err) && err.code === "SQLITE_INTERRUPT";
}

function tooSlow(limitMs: number): StmtError {
  return new StmtError(
    "SQLITE_INTERRUPT",
    `SQLite error: the statement ran longer than the server's limit of ${limitMs} ms and was interrupted (nothing it did was kept)`,
  );
}

/** About what a row weighs in the JSON response. */
function estimateSize(row: unknown[]): number {
  let bytes = 2;
  for (const value of row) {
    if (typeof value === "string") bytes += value.length + 32;
    else if (value instanceof Uint8Array) bytes += Math.ceil((value.byteLength * 4) / 3) + 32;
    else bytes += 40;
  }
  return bytes;
}
