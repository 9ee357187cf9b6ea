/**
 * The storage seam of the libSQL server. The Hrana protocol (streams, batons, batches and their
 * conditions, parameter binding, sqld's result rules) is implemented once, over a
 * StorageEngine; an engine only runs single, already analysed statements on a session.
 * Implementations: the local libsql file (local-engine.ts); the mirrored dqlite cluster.
 *
 * Contract, in short:
 * - one session per Hrana stream; its statements run in order (never two at once), and the
 *   session keeps its transaction between them, as one SQLite connection does;
 * - args are positional, already resolved from names (parameter i is args[i - 1]);
 * - a failure is thrown as a StmtError with a Hrana/sqld code (SQLITE_BUSY, SQLITE_CONSTRAINT,
 *   SQL_PARSE_ERROR …); anything else thrown is treated as an internal error (HTTP 500);
 * - waiting for locks (busy timeout) and finding a leader are the engine's business;
 * - close() rolls back an open transaction and must not throw.
 */
import type { Statement } from "../../nimbus/db/sql-text.ts";
import type { Col, ProtoValue } from "./protocol.ts";

/** What running one statement produced. */
export type EngineResult = {
  /** Result columns (empty for a statement that returns no rows). */
  cols: Col[];
  /** Rows in Hrana's value encoding; may be left empty when `wantRows` was false. */
  rows: ProtoValue[][];
  /** sqlite3_changes() after the statement. The protocol layer reports it only where sqld does. */
  rowsAffected: number;
  /** sqlite3_last_insert_rowid() after the statement, as a decimal string. */
  lastInsertRowid: string | null;
};

export type ExecuteOptions = {
  /** false: the client will not read the rows (they may be skipped). */
  wantRows: boolean;
  /** A per-statement time limit: the engine stops (interrupts) the statement after it. */
  timeLimitMs?: number;
  /**
   * True when nothing else will run on this session after the statement (a stream opened for
   * one `execute` and closed in the same request): an engine may then run a write on another
   * connection, e.g. committed together with other clients' writes (group-commit.ts).
   */
  lastInStream?: boolean;
};

/** One connection's worth of state: a transaction, per-connection settings. */
export interface EngineSession {
  /** sqlite3_get_autocommit(): true outside an explicit transaction. */
  readonly autocommit: boolean;
  /** Runs one statement; throws StmtError on failure. */
  execute(st: Statement, args: ProtoValue[], options: ExecuteOptions): Promise<EngineResult>;
  /**
   * Optional: compiles without running and throws StmtError("SQL_PARSE_ERROR") on a syntax
   * error (sqld refuses a whole batch whose program does not parse). Absent: not checked.
   */
  check?(st: Statement): Promise<void>;
  /** Optional: the result columns of a statement, without running it (Hrana `describe`). */
  columns?(st: Statement): Promise<Col[]>;
  /** Ends the session: an open transaction is rolled back. Never throws. */
  close(): Promise<void>;
}

/** A database the server serves: hands out sessions. */
export interface StorageEngine {
  /** Shown by GET /version, e.g. "libsql file /srv/app.db". */
  readonly description: string;
  /**
   * Optional: how long a statement waits for another transaction's lock. When given, the
   * server rolls back a transaction left idle well before that (half of it by default), so
   * that an abandoned transaction never makes waiting writers fail.
   */
  readonly busyTimeoutMs?: number;
  /** Opens a session for a new stream. */
  connect(): EngineSession | Promise<EngineSession>;
  /** Closes every idle resource; called after every session was closed. */
  close(): Promise<void>;
}
