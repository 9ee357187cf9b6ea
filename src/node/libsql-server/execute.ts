/**
 * Runs Hrana statements, batches, sequences and describes on one connection, with sqld's
 * rules: one statement per `execute`, sqld's parameter binding, affected rows only for
 * INSERT/UPDATE/DELETE, last_insert_rowid only for INSERT, batch conditions over step outcomes.
 */

import { analyze, type Statement } from "../../nimbus/db/sql-text.ts";
import { type LockWaiters, retryWhileBusy } from "./busy.ts";
import type { Connection, PreparedStatement } from "./connection.ts";
import { isRetryableBusy, ProtocolError, StmtError, stmtErrors, toStmtError } from "./errors.ts";
import type {
  BatchCond,
  BatchResult,
  DescribeResult,
  HranaVersion,
  ProtoBatch,
  ProtoStmt,
  ProtoValue,
  StmtResult,
} from "./protocol.ts";
import { decodeValue, encodeValue, type SqlValue } from "./values.ts";

export type ExecContext = {
  conn: Connection;
  /** SQL texts stored on the stream with `store_sql`. */
  sqls: Map<number, string>;
  version: HranaVersion;
  waiters: LockWaiters;
  busyTimeoutMs: number;
};

export function resolveSql(
  ctx: ExecContext,
  sql: string | null | undefined,
  sqlId: number | null | undefined,
): string {
  const hasSql = sql !== undefined && sql !== null;
  const hasId = sqlId !== undefined && sqlId !== null;
  if (hasSql && hasId)
    throw new ProtocolError("Either `sql` or `sql_id` are required, but not both");
  if (hasSql) return sql;
  if (!hasId) throw new ProtocolError("Either `sql` or `sql_id` are required");
  const stored = ctx.sqls.get(sqlId);
  if (stored === undefined) throw new ProtocolError(`SQL text ${sqlId} not found`);
  return stored;
}

/** The single statement of an `execute` (or batch step); SQL_NO/MANY_STATEMENT(S) otherwise. */
function singleStatement(sql: string): Statement {
  const statements = analyze(sql);
  if (statements.length === 0) throw stmtErrors.noStatement();
  if (statements.length > 1) throw stmtErrors.manyStatements();
  return statements[0] as Statement;
}

/**
 * sqlite3_bind_parameter_name for each index: the first name that took the index. In
 * `SELECT :b, :a, ?1` parameter 1 is `:b` (and `?1` binds the same value).
 */
function parameterNames(st: Statement): Map<number, string | null> {
  const names = new Map<number, string | null>();
  for (const p of st.params) if (!names.has(p.index)) names.set(p.index, p.name);
  return names;
}

/** sqld's Params::bind: values for parameters 1..count, looked up by position or by name. */
function bindValues(st: Statement, stmt: ProtoStmt): SqlValue[] {
  const positional = stmt.args ?? [];
  const named = stmt.named_args ?? [];
  if (positional.length > 0 && named.length > 0) throw stmtErrors.bothArgKinds();
  const isNamed = named.length > 0;
  const given = isNamed ? named.length : positional.length;
  if (given > st.paramCount) {
    throw stmtErrors.argsInvalid(`too many parameters, expected ${st.paramCount} found ${given}`);
  }
  const names = parameterNames(st);
  const byName = new Map(named.map((a) => [a.name, a.value]));
  const values: SqlValue[] = new Array(st.paramCount).fill(null);
  for (let index = 1; index <= st.paramCount; index++) {
    const name = names.get(index) ?? null;
    let value: ProtoValue | undefined;
    if (name === null) value = isNamed ? undefined : positional[index - 1];
    else if (name.startsWith("?"))
      value = isNamed ? undefined : positional[Number(name.slice(1)) - 1];
    else value = isNamed ? (byName.get(name) ?? byName.get(name.slice(1))) : undefined;
    if (value === undefined) {
      if (st.kind === "explain") break;
      throw stmtErrors.argsInvalid(`value for parameter ${name ?? index} not found`);
    }
    values[index - 1] = decodeValue(value);
  }
  return values;
}

function emptyResult(durationMs: number): StmtResult {
  return {
    cols: [],
    rows: [],
    affected_row_count: 0,
    last_insert_rowid: null,
    replication_index: null,
    rows_read: 0,
    rows_written: 0,
    query_duration_ms: durationMs,
  };
}

function prepare(conn: Connection, st: Statement): PreparedStatement {
  const changesConnection = st.kind === "connection-state";
  if (changesConnection) conn.tainted = true;
  return conn.prepare(st.sql, !changesConnection);
}

function runOnce(conn: Connection, st: Statement, values: SqlValue[], wantRows: boolean) {
  const started = performance.now();
  if (st.kind === "transaction") {
    try {
      conn.control(st.sql);
    } catch (err) {
      throw isRetryableBusy(err) ? err : toStmtError(err, true);
    }
    return emptyResult(performance.now() - started);
  }
  let prepared: PreparedStatement;
  try {
    prepared = prepare(conn, st);
  } catch (err) {
    throw isRetryableBusy(err) ? err : toStmtError(err, true);
  }
  const counts = st.kind === "insert" || st.kind === "update-delete";
  const outcome = conn.step(prepared, values);
  const rows = outcome.rows ?? [];
  let changes = outcome.changes;
  let rowid: bigint | number | null = outcome.lastInsertRowid;
  let cols: StmtResult["cols"] = [];
  if (outcome.rows !== null) {
    cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type }));
    if (counts) changes = conn.changes();
    if (st.kind === "insert") rowid = conn.lastInsertRowid();
  }
  const lastInsertRowid =
    st.kind !== "insert"
      ? null
      : typeof rowid === "number" && !Number.isSafeInteger(rowid)
        ? conn.lastInsertRowid().toString()
        : String(rowid);
  const result: StmtResult = {
    cols,
    rows: wantRows ? rows.map((row) => row.map(encodeValue)) : [],
    affected_row_count: counts ? changes : 0,
    last_insert_rowid: lastInsertRowid,
    replication_index: null,
    rows_read: 0,
    rows_written: 0,
    query_duration_ms: performance.now() - started,
  };
  return result;
}

async function run(ctx: ExecContext, st: Statement, values: SqlValue[], wantRows: boolean) {
  try {
    return await retryWhileBusy(
      () => runOnce(ctx.conn, st, values, wantRows),
      ctx.waiters,
      ctx.busyTimeoutMs,
    );
  } catch (err) {
    throw toStmtError(err, false);
  } finally {
    ctx.waiters.notify();
  }
}

/** Executes one Hrana `Stmt`; failures are StmtErrors (per request) or ProtocolErrors. */
export async function executeStmt(ctx: ExecContext, stmt: ProtoStmt): Promise<StmtResult> {
  const st = singleStatement(resolveSql(ctx, stmt.sql, stmt.sql_id));
  return run(ctx, st, bindValues(st, stmt), stmt.want_rows ?? true);
}

/**
 * sqld parses a whole program before running any of it, so a syntax error anywhere fails
 * the request and nothing runs. Other compile errors (no such table …) may be fixed by earlier
 * steps, so they are left for the step itself to report. PRAGMAs are skipped: compiling one
 * may already apply it (see Connection.prepare).
 */
function checkSyntax(conn: Connection, statements: Statement[]): void {
  for (const st of statements) {
    if (st.kind === "connection-state") continue;
    try {
      conn.prepare(st.sql);
    } catch (err) {
      const mapped = toStmtError(err, true);
      if (mapped.code === "SQL_PARSE_ERROR") throw mapped;
    }
  }
}

function checkCond(cond: BatchCond, stepIndex: number, version: HranaVersion): void {
  switch (cond.type) {
    case "ok":
    case "error":
      if (cond.step >= stepIndex) {
        throw new ProtocolError("Invalid reference to step in a batch condition");
      }
      return;
    case "not":
      checkCond(cond.cond, stepIndex, version);
      return;
    case "and":
    case "or":
      for (const c of cond.conds) checkCond(c, stepIndex, version);
      return;
    case "is_autocommit":
      if (version < 3) {
        throw new ProtocolError(
          "BatchCond of type `is_autocommit` is only supported in protocol version hrana3 and higher",
        );
      }
  }
}

function evalCond(cond: BatchCond, outcomes: boolean[], autocommit: boolean): boolean {
  switch (cond.type) {
    case "ok":
      return outcomes[cond.step] === true;
    case "error":
      return outcomes[cond.step] !== true;
    case "not":
      return !evalCond(cond.cond, outcomes, autocommit);
    case "and":
      return cond.conds.every((c) => evalCond(c, outcomes, autocommit));
    case "or":
      return cond.conds.some((c) => evalCond(c, outcomes, autocommit));
    case "is_autocommit":
      return autocommit;
  }
}

/** Executes a Hrana batch: each step runs if its condition holds over earlier steps' outcomes. */
export async function executeBatch(ctx: ExecContext, batch: ProtoBatch): Promise<BatchResult> {
  const steps = batch.steps.map((step, i) => {
    if (step.condition) checkCond(step.condition, i, ctx.version);
    return {
      ...step,
      statement: singleStatement(resolveSql(ctx, step.stmt.sql, step.stmt.sql_id)),
    };
  });
  for (const step of steps) {
    const { args, named_args } = step.stmt;
    if ((args?.length ?? 0) > 0 && (named_args?.length ?? 0) > 0) throw stmtErrors.bothArgKinds();
  }
  checkSyntax(
    ctx.conn,
    steps.map((s) => s.statement),
  );
  const result: BatchResult = { step_results: [], step_errors: [], replication_index: null };
  const outcomes: boolean[] = [];
  for (const step of steps) {
    const enabled = step.condition ? evalCond(step.condition, outcomes, ctx.conn.autocommit) : true;
    if (!enabled) {
      result.step_results.push(null);
      result.step_errors.push(null);
      outcomes.push(false);
      continue;
    }
    try {
      const values = bindValues(step.statement, step.stmt);
      result.step_results.push(await run(ctx, step.statement, values, step.stmt.want_rows ?? true));
      result.step_errors.push(null);
      outcomes.push(true);
    } catch (err) {
      if (!(err instanceof StmtError)) throw err;
      result.step_results.push(null);
      result.step_errors.push(err.toProto());
      outcomes.push(false);
    }
  }
  return result;
}

/** Executes a script of statements without arguments, stopping at the first error. */
export async function executeSequence(ctx: ExecContext, sql: string): Promise<void> {
  const statements = analyze(sql);
  checkSyntax(ctx.conn, statements);
  for (const st of statements) {
    await run(ctx, st, bindValues(st, {}), false);
  }
}

export function describe(ctx: ExecContext, sql: string): DescribeResult {
  const st = singleStatement(sql);
  let prepared: PreparedStatement;
  try {
    prepared = prepare(ctx.conn, st);
  } catch (err) {
    throw toStmtError(err, true);
  }
  const names = parameterNames(st);
  return {
    params: Array.from({ length: st.paramCount }, (_, i) => ({ name: names.get(i + 1) ?? null })),
    cols: prepared.reader
      ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type }))
      : [],
    is_explain: st.kind === "explain",
    is_readonly: st.kind === "read" || st.kind === "explain" || st.kind === "transaction",
  };
}
