/**
 * Runs Hrana statements, batches, sequences and describes on one connection, with sqld's
 * rules: one statement per `execute`, sqld's parameter binding, affected rows only for
 * INSERT/UPDATE/DELETE, last_insert_rowid only for INSERT, batch conditions over step outcomes.
 */

import { analyze, type Statement } from "../../nimbus/db/sql-text.ts";
import type { Access } from "./auth.ts";
import type { EngineSession, ExecuteOptions } from "./engine.ts";
import { ProtocolError, StmtError, stmtErrors, TransactionLostError } from "./errors.ts";
import { checkAllowed, checkReadOnly } from "./guard.ts";
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

export type ExecContext = {
  session: EngineSession;
  /** SQL texts stored on the stream with `store_sql`. */
  sqls: Map<number, string>;
  version: HranaVersion;
  /** Per-statement time limit handed to the engine. */
  timeLimitMs?: number | undefined;
  /** What the request's credentials allow. */
  access: Access;
  /** The stream closes right after this request's single `execute` (see ExecuteOptions). */
  lastInStream?: boolean;
};

/** Refuses what no client may run (guard.ts), and writes under a read-only token. */
function authorize(ctx: ExecContext, st: Statement): Statement {
  checkAllowed(st);
  if (ctx.access === "read-only") checkReadOnly(st);
  return st;
}

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
function bindValues(st: Statement, stmt: ProtoStmt): ProtoValue[] {
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
  const values: ProtoValue[] = new Array(st.paramCount).fill(NULL);
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
    values[index - 1] = value;
  }
  return values;
}

const NULL: ProtoValue = { type: "null" };

/** Runs one statement on the engine and shapes the result as sqld does. */
async function run(
  ctx: ExecContext,
  st: Statement,
  args: ProtoValue[],
  wantRows: boolean,
  lastInStream = false,
): Promise<StmtResult> {
  const started = performance.now();
  const options: ExecuteOptions = { wantRows, lastInStream };
  if (ctx.timeLimitMs !== undefined) options.timeLimitMs = ctx.timeLimitMs;
  const result = await ctx.session.execute(st, args, options);
  return {
    cols: result.cols,
    rows: wantRows ? result.rows : [],
    affected_row_count:
      st.kind === "insert" || st.kind === "update-delete" ? result.rowsAffected : 0,
    last_insert_rowid: st.kind === "insert" ? result.lastInsertRowid : null,
    replication_index: null,
    rows_read: 0,
    rows_written: 0,
    query_duration_ms: performance.now() - started,
  };
}

/** Executes one Hrana `Stmt`; failures are StmtErrors (per request) or ProtocolErrors. */
export async function executeStmt(ctx: ExecContext, stmt: ProtoStmt): Promise<StmtResult> {
  const st = authorize(ctx, singleStatement(resolveSql(ctx, stmt.sql, stmt.sql_id)));
  return run(ctx, st, bindValues(st, stmt), stmt.want_rows ?? true, ctx.lastInStream === true);
}

/**
 * sqld parses a whole program before running any of it, so a syntax error anywhere fails
 * the request and nothing runs (when the engine can compile without running).
 */
async function checkSyntax(session: EngineSession, statements: Statement[]): Promise<void> {
  if (session.check === undefined) return;
  for (const st of statements) await session.check(st);
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
      statement: authorize(ctx, singleStatement(resolveSql(ctx, step.stmt.sql, step.stmt.sql_id))),
    };
  });
  for (const step of steps) {
    const { args, named_args } = step.stmt;
    if ((args?.length ?? 0) > 0 && (named_args?.length ?? 0) > 0) throw stmtErrors.bothArgKinds();
  }
  await checkSyntax(
    ctx.session,
    steps.map((s) => s.statement),
  );
  // A batch that is one whole transaction runs again when the engine lost that transaction
  // before it committed (a leader change): nothing was written and no result was sent yet.
  for (let attempt = 1; ; attempt++) {
    const { result, lost, committedOutside } = await runSteps(ctx, steps);
    if (!lost || committedOutside || attempt >= MAX_BATCH_ATTEMPTS) return result;
  }
}

const MAX_BATCH_ATTEMPTS = 3;

async function runSteps(
  ctx: ExecContext,
  steps: (ProtoBatch["steps"][number] & { statement: Statement })[],
) {
  const result: BatchResult = { step_results: [], step_errors: [], replication_index: null };
  const outcomes: boolean[] = [];
  let lost = false;
  let committedOutside = false;
  for (const step of steps) {
    const enabled = step.condition
      ? evalCond(step.condition, outcomes, ctx.session.autocommit)
      : true;
    if (!enabled) {
      result.step_results.push(null);
      result.step_errors.push(null);
      outcomes.push(false);
      continue;
    }
    const outside = ctx.session.autocommit && step.statement.kind !== "transaction";
    try {
      const values = bindValues(step.statement, step.stmt);
      result.step_results.push(await run(ctx, step.statement, values, step.stmt.want_rows ?? true));
      result.step_errors.push(null);
      outcomes.push(true);
      if (outside) committedOutside = true;
    } catch (err) {
      if (!(err instanceof StmtError)) throw err;
      if (err instanceof TransactionLostError) lost = true;
      result.step_results.push(null);
      result.step_errors.push(err.toProto());
      outcomes.push(false);
    }
  }
  return { result, lost, committedOutside };
}

/** Executes a script of statements without arguments, stopping at the first error. */
export async function executeSequence(ctx: ExecContext, sql: string): Promise<void> {
  const statements = analyze(sql);
  for (const st of statements) authorize(ctx, st);
  await checkSyntax(ctx.session, statements);
  for (const st of statements) {
    await run(ctx, st, bindValues(st, {}), false);
  }
}

export async function describe(ctx: ExecContext, sql: string): Promise<DescribeResult> {
  const st = singleStatement(sql);
  const names = parameterNames(st);
  return {
    params: Array.from({ length: st.paramCount }, (_, i) => ({ name: names.get(i + 1) ?? null })),
    cols: (await ctx.session.columns?.(st)) ?? [],
    is_explain: st.kind === "explain",
    is_readonly: st.kind === "read" || st.kind === "explain" || st.kind === "transaction",
  };
}
