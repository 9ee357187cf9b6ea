/**
 * The mirrored database as the libSQL server's storage engine (engine.ts's StorageEngine): each
 * Hrana stream gets a session on the dqlite leader through the local nimbus-dqlite node.
 */
import type { Statement } from "../../nimbus/db/sql-text.ts";
import type {
  EngineResult,
  EngineSession,
  ExecuteOptions,
  StorageEngine,
} from "../libsql-server/engine.ts";
import type { ProtoValue } from "../libsql-server/protocol.ts";
import type { DqliteConnection } from "./connection.ts";
import { DqliteStorage, type DqliteStorageOptions } from "./storage.ts";

export type { DqliteStorageOptions } from "./storage.ts";

/** NIMBUS_DQLITE_TRACE=1: every failed statement is logged (what a client was told, and why). */
const TRACE = process.env.NIMBUS_DQLITE_TRACE === "1";

/** SQL texts that compiled once: an app sends the same few again and again. */
const PARSED_CACHE = 512;

class DqliteSession implements EngineSession {
  readonly #conn: DqliteConnection;
  readonly #parsed: Set<string>;

  constructor(conn: DqliteConnection, parsed: Set<string>) {
    this.#conn = conn;
    this.#parsed = parsed;
  }

  get autocommit(): boolean {
    return this.#conn.autocommit;
  }

  async execute(
    st: Statement,
    args: ProtoValue[],
    _options: ExecuteOptions,
  ): Promise<EngineResult> {
    const result = await this.#conn.execute(st, args).catch((err: unknown) => {
      if (TRACE) console.error(`dqlite engine: ${st.sql.slice(0, 60)} →`, err);
      throw err;
    });
    return {
      // dqlite's wire protocol carries no declared column types.
      cols: result.columns.map((name) => ({ name, decltype: null })),
      rows: result.rows,
      rowsAffected: result.rowsAffected,
      lastInsertRowid: result.lastInsertId,
    };
  }

  /** Compiles on the leader without running (once per SQL text). */
  async check(st: Statement): Promise<void> {
    if (this.#parsed.has(st.sql)) return;
    await this.#conn.checkSyntax([st]);
    if (this.#parsed.size >= PARSED_CACHE) this.#parsed.clear();
    this.#parsed.add(st.sql);
  }

  close(): Promise<void> {
    return this.#conn.close().catch(() => undefined);
  }
}

/** The storage engine: sessions on the mirrored database. */
export class DqliteEngine implements StorageEngine {
  readonly storage: DqliteStorage;
  readonly description: string;
  readonly #parsed = new Set<string>();

  constructor(options: DqliteStorageOptions) {
    this.storage = new DqliteStorage(options);
    this.description = `mirrored dqlite database via ${options.socket}`;
  }

  /** The server drops a stream's abandoned transaction before another writer would give up. */
  get busyTimeoutMs(): number {
    return this.storage.busyTimeoutMs;
  }

  connect(): EngineSession {
    return new DqliteSession(this.storage.connect(), this.#parsed);
  }

  async close(): Promise<void> {
    this.storage.close();
  }
}

/**
 * The mirrored database (a local nimbus-dqlite node's socket) as a storage engine for
 * startHranaServer: resolves once a leader answered and the marker table exists.
 */
export async function dqliteEngine(options: DqliteStorageOptions): Promise<DqliteEngine> {
  const engine = new DqliteEngine(options);
  try {
    await engine.storage.open();
  } catch (err) {
    engine.storage.close();
    throw err;
  }
  return engine;
}
