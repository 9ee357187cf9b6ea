/**
 * The local storage engine: a libsql (SQLite) database file in this process. Connections come
 * from a pool; a statement that meets another connection's write lock waits asynchronously
 * (busy.ts); a failed statement is reset before its connection is used again (connection.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Statement } from "../../nimbus/db/sql-text.ts";
import { LockWaiters, retryWhileBusy } from "./busy.ts";
import { Connection, type Synchronous } from "./connection.ts";
import type { EngineResult, EngineSession, ExecuteOptions, StorageEngine } from "./engine.ts";
import { isRetryableBusy, toStmtError } from "./errors.ts";
import { WriteGroup } from "./group-commit.ts";
import { ConnectionPool } from "./pool.ts";
import type { Col, ProtoValue } from "./protocol.ts";
import type { AsyncStatement, ServerConnection, StepLimits } from "./server-connection.ts";
import { decodeValue, encodeValue } from "./values.ts";

export type LocalEngineOptions = {
  /** Path of the database file; created (with its folder) if missing. */
  file: string;
  synchronous: Synchronous;
  /** How long a statement waits for another transaction's write lock. */
  busyTimeoutMs: number;
  /** A read's rows beyond this estimated size end it with RESPONSE_TOO_LARGE. */
  maxResultBytes?: number | undefined;
};

export const SYNCHRONOUS: readonly Synchronous[] = ["FULL", "NORMAL", "EXTRA", "OFF"];

export class LocalFileEngine implements StorageEngine {
  readonly file: string;
  readonly description: string;
  readonly #pool: ConnectionPool;
  readonly #waiters = new LockWaiters();
  readonly busyTimeoutMs: number;
  readonly #maxResultBytes: number | undefined;
  readonly #group: WriteGroup;
  /** Group commit's counters (group-commit.ts). */
  get groupStats(): { readonly groups: number; readonly writes: number } {
    return this.#group.stats;
  }

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
    this.busyTimeoutMs = options.busyTimeoutMs;
    this.#maxResultBytes = options.maxResultBytes;
    this.#group = new WriteGroup(this.#pool, this.#waiters, this.busyTimeoutMs, runOnce);
  }

  async connect(): Promise<EngineSession> {
    const conn = await this.#pool.acquire();
    return new LocalSession(conn, this.#pool, this.#waiters, this.#group, {
      busyTimeoutMs: this.busyTimeoutMs,
      maxResultBytes: this.#maxResultBytes,
    });
  }

  async close(): Promise<void> {
    this.#group.close();
    this.#pool.close();
  }
}

type SessionSettings = { busyTimeoutMs: number; maxResultBytes: number | undefined };

class LocalSession implements EngineSession {
  #conn: ServerConnection | null;
  readonly #pool: ConnectionPool;
  readonly #waiters: LockWaiters;
  readonly #group: WriteGroup;
  readonly #settings: SessionSettings;

  constructor(
    conn: ServerConnection,
    pool: ConnectionPool,
    waiters: LockWaiters,
    group: WriteGroup,
    settings: SessionSettings,
  ) {
    this.#conn = conn;
    this.#pool = pool;
    this.#waiters = waiters;
    this.#group = group;
    this.#settings = settings;
  }

  get autocommit(): boolean {
    return this.#conn?.autocommit ?? true;
  }

  async execute(st: Statement, args: ProtoValue[], options: ExecuteOptions): Promise<EngineResult> {
    const conn = this.#connection();
    const values = args.map(decodeValue);
    const limits: StepLimits = {
      timeLimitMs: options.timeLimitMs,
      maxResultBytes: this.#settings.maxResultBytes,
    };
    // A one-shot write (nothing runs on this session after it) joins the group commit; a
    // connection with its own settings (PRAGMA, TEMP objects) keeps its writes to itself.
    const groupable =
      options.lastInStream === true &&
      (st.kind === "insert" || st.kind === "update-delete") &&
      conn.autocommit &&
      !conn.tainted &&
      !conn.broken;
    if (groupable) return this.#group.submit(st, values, options.wantRows, limits);
    try {
      return await retryWhileBusy(
        () => runOnce(conn, st, values, options.wantRows, limits),
        this.#waiters,
        this.#settings.busyTimeoutMs,
      );
    } catch (err) {
      throw toStmtError(err, false);
    } finally {
      // Only the end of a write (autocommit again) can have released the write lock; a read or a
      // statement inside a transaction would wake a waiter for nothing.
      if (conn.autocommit && st.kind !== "read" && st.kind !== "explain") this.#waiters.notify();
    }
  }

  /**
   * Compiles without running. PRAGMAs are skipped: compiling one may already apply it (see
   * ServerConnection.prepare). Only syntax errors are reported: other compile errors (no such
   * table …) may be fixed by earlier statements of the same batch.
   */
  async check(st: Statement): Promise<void> {
    if (st.kind === "connection-state" || st.kind === "transaction") return;
    try {
      await this.#connection().prepare(st.sql);
    } catch (err) {
      const mapped = toStmtError(err, true);
      if (mapped.code === "SQL_PARSE_ERROR") throw mapped;
    }
  }

  async columns(st: Statement): Promise<Col[]> {
    let prepared: AsyncStatement;
    try {
      prepared = await prepare(this.#connection(), st);
    } catch (err) {
      throw toStmtError(err, true);
    }
    return prepared.reader
      ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type }))
      : [];
  }

  async close(): Promise<void> {
    const conn = this.#conn;
    if (conn === null) return;
    this.#conn = null;
    try {
      await this.#pool.release(conn);
    } finally {
      this.#waiters.notify();
    }
  }

  #connection(): ServerConnection {
    if (this.#conn === null) throw new Error("The session is closed");
    return this.#conn;
  }
}

function prepare(conn: ServerConnection, st: Statement): Promise<AsyncStatement> {
  const changesConnection = st.kind === "connection-state";
  if (changesConnection) conn.tainted = true;
  return conn.prepare(st.sql, !changesConnection);
}

/** Runs one statement on `conn` (SQLITE_BUSY is thrown as is, for the caller to wait and retry). */
export async function runOnce(
  conn: ServerConnection,
  st: Statement,
  values: unknown[],
  wantRows: boolean,
  limits: StepLimits,
): Promise<EngineResult> {
  if (st.kind === "transaction") {
    try {
      await conn.control(st.sql);
    } catch (err) {
      throw isRetryableBusy(err) ? err : toStmtError(err, true);
    }
    return { cols: [], rows: [], rowsAffected: 0, lastInsertRowid: null };
  }
  let prepared: AsyncStatement;
  try {
    prepared = await prepare(conn, st);
  } catch (err) {
    throw isRetryableBusy(err) ? err : toStmtError(err, true);
  }
  const isRead = st.kind === "read" || st.kind === "explain";
  const rows = await conn.step(prepared, values, limits, isRead);
  const writes = st.kind === "insert" || st.kind === "update-delete";
  return {
    cols: rows === null ? [] : prepared.columns().map((c) => ({ name: c.name, decltype: c.type })),
    rows: rows !== null && wantRows ? rows.map((row) => row.map(encodeValue)) : [],
    rowsAffected: writes ? conn.changes() : 0,
    lastInsertRowid: st.kind === "insert" ? conn.lastInsertRowid().toString() : null,
  };
}
