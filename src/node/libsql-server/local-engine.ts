/**
 * The local storage engine: a libsql (SQLite) database file in this process. Connections come
 * from a pool; a statement that meets another connection's write lock waits asynchronously
 * (busy.ts); a failed statement is reset before its connection is used again (connection.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Statement } from "../../nimbus/db/sql-text.ts";
import { LockWaiters, retryWhileBusy } from "./busy.ts";
import { Connection, type PreparedStatement, type Synchronous } from "./connection.ts";
import type { EngineResult, EngineSession, ExecuteOptions, StorageEngine } from "./engine.ts";
import { isRetryableBusy, toStmtError } from "./errors.ts";
import { ConnectionPool } from "./pool.ts";
import type { Col, ProtoValue } from "./protocol.ts";
import { decodeValue, encodeValue } from "./values.ts";

export type LocalEngineOptions = {
  /** Path of the database file; created (with its folder) if missing. */
  file: string;
  synchronous: Synchronous;
  /** How long a statement waits for another transaction's write lock. */
  busyTimeoutMs: number;
};

export const SYNCHRONOUS: readonly Synchronous[] = ["FULL", "NORMAL", "EXTRA", "OFF"];

export class LocalFileEngine implements StorageEngine {
  readonly file: string;
  readonly description: string;
  readonly #pool: ConnectionPool;
  readonly #waiters = new LockWaiters();
  readonly #busyTimeoutMs: number;

  /** Opens (creating if needed) the file and switches it to WAL. */
  constructor(options: LocalEngineOptions) {
    if (!SYNCHRONOUS.includes(options.synchronous)) {
      throw new Error(
        `Invalid synchronous mode ${JSON.stringify(options.synchronous)}: use ${SYNCHRONOUS.join(", ")}`,
      );
    }
    if (!options.file || options.file === ":memory:" || options.file.startsWith("file::memory:")) {
      throw new Error(
        "The libSQL server needs a database file (every stream opens its own connection to it); " +
          "pass a path such as .nimbus/dev.db",
      );
    }
    this.file = resolve(options.file);
    mkdirSync(dirname(this.file), { recursive: true });
    // WAL is a property of the file: set it once; readers then never wait for writers.
    const setup = new Connection({ file: this.file, synchronous: options.synchronous });
    try {
      const mode = (setup.prepare("PRAGMA journal_mode = WAL").all() as unknown[][])[0]?.[0];
      if (String(mode).toLowerCase() !== "wal") {
        throw new Error(`Could not switch ${this.file} to WAL journal mode (got ${mode})`);
      }
    } finally {
      setup.close();
    }
    this.description = `libsql file ${this.file}`;
    this.#pool = new ConnectionPool({ file: this.file, synchronous: options.synchronous });
    this.#busyTimeoutMs = options.busyTimeoutMs;
  }

  connect(): EngineSession {
    return new LocalSession(this.#pool, this.#waiters, this.#busyTimeoutMs);
  }

  async close(): Promise<void> {
    this.#pool.close();
  }
}

class LocalSession implements EngineSession {
  #conn: Connection | null;
  readonly #pool: ConnectionPool;
  readonly #waiters: LockWaiters;
  readonly #busyTimeoutMs: number;

  constructor(pool: ConnectionPool, waiters: LockWaiters, busyTimeoutMs: number) {
    this.#conn = pool.acquire();
    this.#pool = pool;
    this.#waiters = waiters;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  get autocommit(): boolean {
    return this.#conn?.autocommit ?? true;
  }

  async execute(st: Statement, args: ProtoValue[], options: ExecuteOptions): Promise<EngineResult> {
    const conn = this.#connection();
    const values = args.map(decodeValue);
    try {
      return await retryWhileBusy(
        () => runOnce(conn, st, values, options.wantRows),
        this.#waiters,
        this.#busyTimeoutMs,
      );
    } catch (err) {
      throw toStmtError(err, false);
    } finally {
      this.#waiters.notify();
    }
  }

  /**
   * Compiles without running. PRAGMAs are skipped: compiling one may already apply it (see
   * Connection.prepare). Only syntax errors are reported: other compile errors (no such
   * table …) may be fixed by earlier statements of the same batch.
   */
  async check(st: Statement): Promise<void> {
    if (st.kind === "connection-state" || st.kind === "transaction") return;
    try {
      this.#connection().prepare(st.sql);
    } catch (err) {
      const mapped = toStmtError(err, true);
      if (mapped.code === "SQL_PARSE_ERROR") throw mapped;
    }
  }

  async columns(st: Statement): Promise<Col[]> {
    let prepared: PreparedStatement;
    try {
      prepared = prepare(this.#connection(), st);
    } catch (err) {
      throw toStmtError(err, true);
    }
    return prepared.reader
      ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type }))
      : [];
  }

  async close(): Promise<void> {
    if (this.#conn === null) return;
    this.#pool.release(this.#conn);
    this.#conn = null;
    this.#waiters.notify();
  }

  #connection(): Connection {
    if (this.#conn === null) throw new Error("The session is closed");
    return this.#conn;
  }
}

function prepare(conn: Connection, st: Statement): PreparedStatement {
  const changesConnection = st.kind === "connection-state";
  if (changesConnection) conn.tainted = true;
  return conn.prepare(st.sql, !changesConnection);
}

function runOnce(
  conn: Connection,
  st: Statement,
  values: unknown[],
  wantRows: boolean,
): EngineResult {
  if (st.kind === "transaction") {
    try {
      conn.control(st.sql);
    } catch (err) {
      throw isRetryableBusy(err) ? err : toStmtError(err, true);
    }
    return { cols: [], rows: [], rowsAffected: 0, lastInsertRowid: null };
  }
  let prepared: PreparedStatement;
  try {
    prepared = prepare(conn, st);
  } catch (err) {
    throw isRetryableBusy(err) ? err : toStmtError(err, true);
  }
  const outcome = conn.step(prepared, values);
  if (outcome.rows === null) {
    const rowid = outcome.lastInsertRowid;
    return {
      cols: [],
      rows: [],
      rowsAffected: outcome.changes,
      // run() reports the rowid as a JS number: past 2^53 it is read again exactly
      lastInsertRowid:
        typeof rowid === "number" && !Number.isSafeInteger(rowid)
          ? conn.lastInsertRowid().toString()
          : String(rowid),
    };
  }
  const writes = st.kind === "insert" || st.kind === "update-delete";
  return {
    cols: prepared.columns().map((c) => ({ name: c.name, decltype: c.type })),
    rows: wantRows ? outcome.rows.map((row) => row.map(encodeValue)) : [],
    rowsAffected: writes ? conn.changes() : 0,
    lastInsertRowid: st.kind === "insert" ? conn.lastInsertRowid().toString() : null,
  };
}
