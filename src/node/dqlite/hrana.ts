/**
 * The mirrored database as the libSQL server's storage engine: each Hrana stream gets a
 * DqliteConnection, and its results come back in the Hrana shapes the protocol layer sends.
 */
import type { Statement } from "../../nimbus/db/sql-text.ts";
import type { DescribeResult, StmtResult } from "../libsql-server/protocol.ts";
import { encodeValue, type SqlValue } from "../libsql-server/values.ts";
import type { DqliteConnection } from "./connection.ts";
import { DqliteStorage, type DqliteStorageOptions } from "./storage.ts";

export type { DqliteStorageOptions } from "./storage.ts";

/** One stream's connection, as the Hrana layer uses it. */
export class DqliteEngineConnection {
  readonly #conn: DqliteConnection;

  constructor(conn: DqliteConnection) {
    this.#conn = conn;
  }

  get autocommit(): boolean {
    return this.#conn.autocommit;
  }

  async execute(st: Statement, values: SqlValue[], wantRows: boolean): Promise<StmtResult> {
    const started = performance.now();
    const result = await this.#conn.execute(st, values.map(encodeValue));
    const counts = st.kind === "insert" || st.kind === "update-delete";
    return {
      // dqlite's wire protocol carries no declared column types.
      cols: result.columns.map((name) => ({ name, decltype: null })),
      rows: wantRows ? result.rows : [],
      affected_row_count: counts ? result.rowsAffected : 0,
      last_insert_rowid: st.kind === "insert" ? result.lastInsertId : null,
      replication_index: null,
      rows_read: 0,
      rows_written: 0,
      query_duration_ms: performance.now() - started,
    };
  }

  checkSyntax(statements: Statement[]): Promise<void> {
    return this.#conn.checkSyntax(statements);
  }

  /** Parameters from the SQL text; result columns are not known before a dqlite query runs. */
  async describe(st: Statement): Promise<DescribeResult> {
    const names = new Map<number, string | null>();
    for (const p of st.params) if (!names.has(p.index)) names.set(p.index, p.name);
    return {
      params: Array.from({ length: st.paramCount }, (_, i) => ({ name: names.get(i + 1) ?? null })),
      cols: [],
      is_explain: st.kind === "explain",
      is_readonly: st.kind === "read" || st.kind === "explain" || st.kind === "transaction",
    };
  }

  /** Rolls back what the stream left open and gives the dqlite connection back. */
  release(): Promise<void> {
    return this.#conn.close();
  }
}

/** The storage engine: opens the marker table once, then hands out connections. */
export class DqliteEngine {
  readonly storage: DqliteStorage;

  constructor(options: DqliteStorageOptions) {
    this.storage = new DqliteStorage(options);
  }

  open(): Promise<void> {
    return this.storage.open();
  }

  acquire(): DqliteEngineConnection {
    return new DqliteEngineConnection(this.storage.connect());
  }

  release(conn: DqliteEngineConnection): void {
    conn.release().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.storage.close();
  }
}
