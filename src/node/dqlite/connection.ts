/**
 * One libSQL stream's connection to the mirrored database: statements run on the dqlite leader
 * through the local nimbus-dqlite node, in a session pinned to one leader connection.
 *
 * No acknowledged write is lost and none is applied twice across a leader change:
 * - every write commits together with a unique marker row (_nimbus_commits);
 * - when the leader is lost while a COMMIT is in flight, the outcome is settled on the new
 *   leader under its write lock (BEGIN IMMEDIATE: a commit still in flight on a live leader
 *   holds that lock; a new leader has applied every entry it will ever commit): marker there →
 *   the write is acknowledged; not there → it never happened;
 * - a write outside a transaction is then run again, transparently; a transaction the client
 *   drove itself cannot be replayed, so it gets SQLITE_ABORT, meaning "rolled back, nothing
 *   written, safe to retry".
 * Reads outside a transaction are simply retried on the new leader.
 */
import { randomUUID } from "node:crypto";
import type { Statement } from "../../nimbus/db/sql-text.ts";
import { StmtError, TransactionLostError } from "../libsql-server/errors.ts";
import type { ProtoValue } from "../libsql-server/protocol.ts";
import {
  type DqliteApi,
  type DqliteExecResponse,
  type DqliteFailure,
  type DqliteResult,
  type DqliteStatement,
  DqliteUnreachableError,
} from "./api.ts";
import { planReturning } from "./returning.ts";

export const COMMITS_TABLE = "_nimbus_commits";
export const CREATE_COMMITS_TABLE = `CREATE TABLE IF NOT EXISTS ${COMMITS_TABLE} (id TEXT PRIMARY KEY, at INTEGER NOT NULL)`;
const MARK = `INSERT INTO ${COMMITS_TABLE} (id, at) VALUES (?, ?)`;
/** How long a statement waits for the local member's socket to answer again (a restart). */
const LOCAL_GRACE_MS = 3_000;
const PARSE_ERROR = /syntax error|unrecognized token|incomplete input|unterminated/i;

export type ConnectionOptions = {
  api: DqliteApi;
  /** How long a statement may wait for a leader before it fails with UNAVAILABLE. */
  failoverTimeoutMs: number;
  /** How long a statement waits for another transaction's write lock. */
  busyTimeoutMs: number;
};

const text = (value: string): ProtoValue => ({ type: "text", value });
const integer = (value: number): ProtoValue => ({ type: "integer", value: String(value) });

function stmtError(failure: DqliteFailure): StmtError {
  if (failure.code === "SQLITE_ERROR" && PARSE_ERROR.test(failure.message)) {
    return new StmtError("SQL_PARSE_ERROR", `SQL string could not be parsed: ${failure.message}`);
  }
  const code = failure.code === "SQLITE_ERROR" ? "SQLITE_UNKNOWN" : failure.code;
  return new StmtError(code, `SQLite error: ${failure.message}`);
}

const lost = (failure: DqliteFailure | undefined) =>
  failure?.code === "UNAVAILABLE" || failure?.code === "NO_SESSION";

const abortedTransactionError = () =>
  new TransactionLostError(
    "The mirrored database changed leader during this transaction: it was rolled back and nothing of it was written. Retry the transaction.",
  );

const unavailable = (why: string) =>
  new StmtError("UNAVAILABLE", `The mirrored database has no leader to write to: ${why}`);

/** How a statement runs on dqlite. */
type Shape = "read" | "write" | "begin" | "commit" | "rollback" | "savepoint" | "release" | "raw";

function shapeOf(st: Statement): Shape {
  const words = st.sql
    .trim()
    .split(/\s+/, 3)
    .map((w) => w.toUpperCase());
  switch (st.kind) {
    case "read":
    case "explain":
      return "read";
    case "connection-state":
      // A PRAGMA that sets something (or calls a function) may write: never a QUERY then.
      return words[0] === "PRAGMA" && !/[=(]/.test(st.sql) ? "read" : "raw";
    case "transaction":
      if (words[0] === "BEGIN") return "begin";
      if (words[0] === "COMMIT" || words[0] === "END") return "commit";
      if (words[0] === "ROLLBACK")
        return words.includes("TO") || /\bTO\b/i.test(st.sql) ? "raw" : "rollback";
      if (words[0] === "SAVEPOINT") return "savepoint";
      return "release";
    default:
      return words[0] === "VACUUM" ? "raw" : "write";
  }
}

export class DqliteConnection {
  readonly #options: ConnectionOptions;
  #session: string | null = null;
  #inTransaction = false;
  /** Savepoints opened outside a transaction start one; RELEASE of the last one commits it. */
  #savepoints: string[] = [];
  #tainted = false;
  /** The open transaction was lost to a leader change (a ROLLBACK then has nothing to undo). */
  #lost = false;

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  /** sqlite3_get_autocommit() as far as this connection's statements tell. */
  get autocommit(): boolean {
    return !this.#inTransaction;
  }

  /** Forgets the transaction the leader change took; the error tells the client so. */
  #abort(): StmtError {
    this.#inTransaction = false;
    this.#savepoints = [];
    this.#lost = true;
    return abortedTransactionError();
  }

  /** Runs one statement with positional arguments; failures are StmtErrors. */
  async execute(st: Statement, args: ProtoValue[]): Promise<DqliteResult> {
    const shape = shapeOf(st);
    if (st.kind === "connection-state") this.#tainted = true;
    switch (shape) {
      case "read":
        return this.#read({ sql: st.sql, args, query: true });
      case "begin": {
        this.#lost = false;
        const [result] = await this.#inSession([{ sql: st.sql, args }]);
        this.#inTransaction = true;
        return result as DqliteResult;
      }
      case "savepoint": {
        const [result] = await this.#inSession([{ sql: st.sql, args }]);
        if (!this.#inTransaction || this.#savepoints.length > 0) {
          this.#savepoints.push(savepointName(st.sql));
        }
        this.#inTransaction = true;
        return result as DqliteResult;
      }
      case "release": {
        const name = savepointName(st.sql);
        const index = this.#savepoints.lastIndexOf(name);
        if (index === 0) return this.#commit({ sql: st.sql, args });
        const [result] = await this.#inSession([{ sql: st.sql, args }]);
        if (index > 0) this.#savepoints.length = index;
        return result as DqliteResult;
      }
      case "commit":
        if (!this.#inTransaction)
          return (await this.#inSession([{ sql: st.sql, args }]))[0] as DqliteResult;
        return this.#commit({ sql: st.sql, args });
      case "rollback": {
        const wasLost = this.#lost;
        this.#inTransaction = false;
        this.#savepoints = [];
        this.#lost = false;
        // After a lost transaction the client's ROLLBACK finds nothing to undo: that is success.
        if (this.#session === null || wasLost) return empty();
        const [result] = await this.#inSession([{ sql: st.sql, args }]);
        return result as DqliteResult;
      }
      case "raw":
        return (await this.#inSession([{ sql: st.sql, args }]))[0] as DqliteResult;
      case "write":
        return this.#write(st, args);
    }
  }

  /**
   * Compiles `statements` on the leader without running them and throws the first syntax
   * error (sqld rejects a batch with one before any of it runs). Other compile errors (no such
   * table…) are left to the statement itself: an earlier step may fix them. Skipped while no
   * leader answers; the statements then fail on their own.
   */
  async checkSyntax(statements: Statement[]): Promise<void> {
    const pending = statements
      .filter((st) => st.kind !== "connection-state" && st.kind !== "transaction")
      .map((st): DqliteStatement => ({ sql: st.sql, prepare: true }));
    while (pending.length > 0) {
      const session = this.#session ?? (await this.#open(this.#deadline()).catch(() => null));
      if (session === null) return;
      const response = await this.#exec(session, pending);
      if (!response.error) return;
      if (lost(response.error)) {
        this.#session = null;
        if (this.#inTransaction) {
          this.#inTransaction = false;
          this.#savepoints = [];
          throw this.#abort();
        }
        return;
      }
      const error = stmtError(response.error);
      if (error.code === "SQL_PARSE_ERROR") throw error;
      pending.splice(0, response.error.index + 1);
    }
  }

  /** Ends the stream: an open transaction is rolled back. */
  async close(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session === null) return;
    const dirty = this.#inTransaction || this.#tainted;
    this.#inTransaction = false;
    await this.#options.api.closeSession(session, dirty).catch(() => undefined);
  }

  // ——— sessions ———

  async #open(deadline: number): Promise<string> {
    let wait = 25;
    // The local member itself not answering is no election: give up soon (it may be restarting).
    let localDeadline = Number.POSITIVE_INFINITY;
    for (;;) {
      try {
        this.#session = await this.#options.api.openSession();
        return this.#session;
      } catch (err) {
        if (err instanceof DqliteUnreachableError) {
          localDeadline = Math.min(localDeadline, Date.now() + LOCAL_GRACE_MS);
        }
        if (Date.now() + wait > Math.min(deadline, localDeadline)) {
          throw unavailable(err instanceof Error ? err.message : String(err));
        }
        await sleep(wait);
        wait = Math.min(wait * 2, 500);
      }
    }
  }

  /**
   * Runs statements in a session. The local member not answering mid-request counts as a lost
   * session whose last statement's outcome is unknown (it may have been a COMMIT).
   */
  async #exec(session: string, statements: DqliteStatement[]): Promise<DqliteExecResponse> {
    try {
      return await this.#options.api.exec(session, statements);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { results: [], error: { code: "UNAVAILABLE", message, index: statements.length - 1 } };
    }
  }

  #deadline(): number {
    return Date.now() + this.#options.failoverTimeoutMs;
  }

  /** Runs statements in this session as they are (a transaction's body, DDL outside…). */
  async #inSession(statements: DqliteStatement[]): Promise<DqliteResult[]> {
    const deadline = this.#deadline();
    for (;;) {
      const session = this.#session ?? (await this.#open(deadline));
      const response = await this.#execWhileBusy(session, statements);
      if (!response.error) return response.results;
      if (!lost(response.error)) throw stmtError(response.error);
      this.#session = null;
      if (this.#inTransaction) {
        this.#inTransaction = false;
        this.#savepoints = [];
        throw this.#abort();
      }
      // Outside a transaction these statements (BEGIN, SAVEPOINT, a PRAGMA, VACUUM …) leave
      // nothing half-done: they run again on the new leader.
      if (Date.now() > deadline) throw unavailable(response.error.message);
    }
  }

  /**
   * dqlite answers SQLITE_BUSY at once while another connection holds the write lock (it has no
   * busy timeout): like the local server, wait and run the statements again, up to busyTimeoutMs.
   * Only for lists that may run again from the start (a failed statement changed nothing).
   */
  async #execWhileBusy(session: string, statements: DqliteStatement[]) {
    const deadline = Date.now() + this.#options.busyTimeoutMs;
    let wait = 1;
    for (;;) {
      const response = await this.#exec(session, statements);
      if (response.error?.code !== "SQLITE_BUSY" || Date.now() + wait > deadline) return response;
      await sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
  }

  async #read(statement: DqliteStatement): Promise<DqliteResult> {
    if (this.#inTransaction) return (await this.#inSession([statement]))[0] as DqliteResult;
    const deadline = this.#deadline();
    for (;;) {
      const session = this.#session ?? (await this.#open(deadline));
      const response = await this.#exec(session, [statement]);
      if (!response.error) return response.results[0] as DqliteResult;
      if (!lost(response.error)) throw stmtError(response.error);
      this.#session = null;
      if (Date.now() > deadline) throw unavailable(response.error.message);
    }
  }

  // ——— writes ———

  /** The statements of one write (RETURNING emulated) and where its result and rows are. */
  #writePlan(st: Statement, args: ProtoValue[]) {
    const plan = planReturning(st.sql);
    if (plan === null) {
      const statements: DqliteStatement[] = [{ sql: st.sql, args }];
      return { statements, result: 0, rows: -1 };
    }
    if (plan.kind === "deleted") {
      const statements: DqliteStatement[] = [
        { sql: plan.rows, args, query: true },
        { sql: plan.write, args },
      ];
      return { statements, result: 1, rows: 0 };
    }
    const statements: DqliteStatement[] = [
      ...plan.setup.map((sql) => ({ sql })),
      { sql: plan.write, args },
      { sql: plan.rows, query: true },
      { sql: plan.cleanup },
    ];
    return { statements, result: plan.setup.length, rows: plan.setup.length + 1 };
  }

  async #write(st: Statement, args: ProtoValue[]): Promise<DqliteResult> {
    const plan = this.#writePlan(st, args);
    const pick = (results: DqliteResult[]): DqliteResult => {
      const result = results[plan.result] as DqliteResult;
      const rows = plan.rows >= 0 ? (results[plan.rows] as DqliteResult) : undefined;
      return rows ? { ...result, columns: rows.columns, rows: rows.rows } : result;
    };
    if (this.#inTransaction) return pick(await this.#inSession(plan.statements));
    const results = await this.#commitOnce(plan.statements, true);
    return pick(results);
  }

  /** COMMIT (or the RELEASE that ends the transaction) of a transaction the client drove. */
  async #commit(commit: DqliteStatement): Promise<DqliteResult> {
    const results = await this.#commitOnce([], false, commit);
    this.#inTransaction = false;
    this.#savepoints = [];
    return results.at(-1) ?? empty();
  }

  /**
   * Commits `statements` exactly once. `own`: this call opens the transaction (autocommit
   * write) and may run it again after a leader change; otherwise the client's open transaction
   * is committed with `commit`. Returns the results of `statements` (then the commit's).
   */
  async #commitOnce(
    statements: DqliteStatement[],
    own: boolean,
    commit: DqliteStatement = { sql: "COMMIT" },
  ): Promise<DqliteResult[]> {
    const deadline = this.#deadline();
    let busyUntil = Date.now() + this.#options.busyTimeoutMs;
    let wait = 1;
    for (;;) {
      const marker = randomUUID();
      const batch: DqliteStatement[] = [
        // IMMEDIATE: a write lock held elsewhere shows at once, before any work is done.
        ...(own ? [{ sql: "BEGIN IMMEDIATE" }] : []),
        ...statements,
        { sql: MARK, args: [text(marker), integer(Date.now())] },
        commit,
      ];
      const commitIndex = batch.length - 1;
      const session = this.#session ?? (await this.#open(deadline));
      const response = await this.#exec(session, batch);
      const body = (results: DqliteResult[]) => results.slice(own ? 1 : 0);
      if (!response.error) return body(response.results);
      if (own && response.error.code === "SQLITE_BUSY" && Date.now() + wait < busyUntil) {
        if (response.error.index > 0) await this.#rollbackQuietly(session);
        await sleep(wait);
        wait = Math.min(wait * 2, 50);
        continue;
      }
      if (!lost(response.error)) {
        // A statement failed (constraint, syntax…): an own transaction is rolled back.
        if (own && response.error.index > 0) await this.#rollbackQuietly(session);
        throw stmtError(response.error);
      }
      this.#session = null;
      const committed =
        response.error.index === commitIndex ? await this.#settle(marker, deadline) : false;
      if (committed) return [...body(response.results), empty()];
      busyUntil = Date.now() + this.#options.busyTimeoutMs;
      if (!own) {
        this.#inTransaction = false;
        this.#savepoints = [];
        throw this.#abort();
      }
      if (Date.now() > deadline) throw unavailable(response.error.message);
    }
  }

  async #rollbackQuietly(session: string): Promise<void> {
    await this.#exec(session, [{ sql: "ROLLBACK" }]).catch(() => undefined);
  }

  /** Whether the commit that wrote `marker` happened, asked of the leader under its write lock. */
  async #settle(marker: string, deadline: number): Promise<boolean> {
    let wait = 10;
    for (;;) {
      if (Date.now() > deadline) {
        throw unavailable(
          "the leader was lost while a write was committing, and no new leader answered in time to tell whether it was committed",
        );
      }
      const session = this.#session ?? (await this.#open(deadline));
      const response = await this.#exec(session, [
        { sql: "BEGIN IMMEDIATE" },
        {
          sql: `SELECT count(*) FROM ${COMMITS_TABLE} WHERE id = ?`,
          args: [text(marker)],
          query: true,
        },
        { sql: "ROLLBACK" },
      ]);
      if (!response.error) {
        const count = response.results[1]?.rows[0]?.[0];
        return count?.type === "integer" && count.value !== "0";
      }
      if (lost(response.error)) this.#session = null;
      else if (response.error.code !== "SQLITE_BUSY") throw stmtError(response.error);
      else if (response.error.index > 0) await this.#rollbackQuietly(session);
      await sleep(wait);
      wait = Math.min(wait * 2, 200);
    }
  }
}

function savepointName(sql: string): string {
  const words = sql.trim().split(/\s+/);
  const name =
    words[0]?.toUpperCase() === "RELEASE" && words[1]?.toUpperCase() === "SAVEPOINT"
      ? words[2]
      : words[1];
  return (name ?? "")
    .replace(/;$/, "")
    .replace(/^["`[]|["`\]]$/g, "")
    .toLowerCase();
}

function empty(): DqliteResult {
  return { columns: [], rows: [], rowsAffected: 0, lastInsertId: "0" };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
