/**
 * The two Hrana-over-HTTP endpoints: a pipeline (requests run in order on one stream) and a
 * cursor (one batch whose results are sent as JSON lines). Input is validated here; protocol
 * violations close the stream and surface as ProtocolError (HTTP 400).
 */
import type { z } from "zod";
import type { Access } from "./auth.ts";
import { ProtocolError, StmtError } from "./errors.ts";
import {
  describe,
  type ExecContext,
  executeBatch,
  executeSequence,
  executeStmt,
  resolveSql,
} from "./execute.ts";
import {
  type BatchResult,
  type CursorEntry,
  cursorReqBodySchema,
  type HranaVersion,
  type PipelineRespBody,
  pipelineReqBodySchema,
  type StreamRequest,
  type StreamResult,
} from "./protocol.ts";
import type { Stream, StreamRegistry } from "./stream.ts";

const MAX_SQL_COUNT = 50;
const MAX_STORED_SQL_BYTES = 5000;

export type PipelineOptions = {
  streams: StreamRegistry;
  /** Per-statement time limit handed to the engine; undefined: none. */
  statementTimeLimitMs?: number | undefined;
};

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `at ${issue.path.join(".")}: ` : "";
  throw new ProtocolError(
    `Cannot deserialize client message from JSON: ${where}${issue?.message ?? "invalid body"}`,
  );
}

export class HranaHandler {
  readonly #options: PipelineOptions;

  constructor(options: PipelineOptions) {
    this.#options = options;
  }

  async pipeline(
    body: unknown,
    version: HranaVersion,
    access: Access = "read-write",
  ): Promise<PipelineRespBody> {
    const req = parseBody(pipelineReqBodySchema, body);
    const { streams } = this.#options;
    let stream: Stream;
    try {
      stream = await streams.acquire(req.baton);
    } catch (err) {
      // no stream to run on (limit reached): every request gets the error, nothing ran
      if (!(err instanceof StmtError)) throw err;
      const error = err.toProto();
      return {
        baton: null,
        base_url: null,
        results: req.requests.map(() => ({ type: "error", error })),
      };
    }
    const results: StreamResult[] = [];
    // A stream opened for one execute and closed in the same request (@libsql/client's execute).
    const [first, second] = req.requests;
    const oneShot =
      (req.baton === null || req.baton === undefined) &&
      req.requests.length === 2 &&
      first?.type === "execute" &&
      second?.type === "close";
    try {
      for (const request of req.requests) {
        results.push(await this.#handle(stream, request, version, access, oneShot));
      }
    } catch (err) {
      await streams.discard(stream);
      throw err;
    }
    return { baton: streams.release(stream), base_url: null, results };
  }

  /** Runs the cursor's batch; the caller writes `head` then each entry as one JSON line. */
  async cursor(
    body: unknown,
    version: HranaVersion,
    access: Access = "read-write",
  ): Promise<{ head: { baton: string | null; base_url: null }; entries: CursorEntry[] }> {
    const req = parseBody(cursorReqBodySchema, body);
    const { streams } = this.#options;
    let stream: Stream;
    try {
      stream = await streams.acquire(req.baton);
    } catch (err) {
      if (!(err instanceof StmtError)) throw err;
      return {
        head: { baton: null, base_url: null },
        entries: [{ type: "error", error: err.toProto() }],
      };
    }
    let entries: CursorEntry[];
    try {
      entries = cursorEntries(
        await executeBatch(this.#context(stream, version, access), req.batch),
      );
    } catch (err) {
      if (!(err instanceof StmtError)) {
        await streams.discard(stream);
        throw err;
      }
      entries = [{ type: "error", error: err.toProto() }];
    }
    return { head: { baton: streams.release(stream), base_url: null }, entries };
  }

  #context(stream: Stream, version: HranaVersion, access: Access, oneShot = false): ExecContext {
    if (stream.session === null) throw new ProtocolError("Stream for this baton was closed");
    return {
      session: stream.session,
      sqls: stream.sqls,
      version,
      timeLimitMs: this.#options.statementTimeLimitMs,
      access,
      lastInStream: oneShot,
    };
  }

  async #handle(
    stream: Stream,
    req: StreamRequest,
    version: HranaVersion,
    access: Access,
    oneShot = false,
  ): Promise<StreamResult> {
    try {
      switch (req.type) {
        case "close":
          await this.#options.streams.closeSession(stream);
          return ok({ type: "close" });
        case "execute": {
          const ctx = this.#context(stream, version, access, oneShot);
          const result = await executeStmt(ctx, req.stmt);
          return ok({ type: "execute", result });
        }
        case "batch": {
          const result = await executeBatch(this.#context(stream, version, access), req.batch);
          return ok({ type: "batch", result });
        }
        case "sequence": {
          const ctx = this.#context(stream, version, access);
          await executeSequence(ctx, resolveSql(ctx, req.sql, req.sql_id));
          return ok({ type: "sequence" });
        }
        case "describe": {
          const ctx = this.#context(stream, version, access);
          return ok({
            type: "describe",
            result: await describe(ctx, resolveSql(ctx, req.sql, req.sql_id)),
          });
        }
        case "store_sql":
          if (stream.sqls.has(req.sql_id)) {
            throw new ProtocolError(`SQL text ${req.sql_id} already exists`);
          }
          if (stream.sqls.size >= MAX_SQL_COUNT) {
            throw new StmtError(
              "SQL_STORE_TOO_MANY",
              `The server already stores ${stream.sqls.size} SQL texts, it cannot store more`,
            );
          }
          if (Buffer.byteLength(req.sql) > MAX_STORED_SQL_BYTES) {
            throw new StmtError(
              "SQL_STORE_TOO_LARGE",
              `The statement is too large to be stored: ${Buffer.byteLength(req.sql)} B/5.0 KB`,
            );
          }
          stream.sqls.set(req.sql_id, req.sql);
          return ok({ type: "store_sql" });
        case "close_sql":
          stream.sqls.delete(req.sql_id);
          return ok({ type: "close_sql" });
        case "get_autocommit": {
          if (version < 3) {
            throw new ProtocolError(
              "The `get_autocommit` request is only supported in protocol version hrana3 and higher",
            );
          }
          const ctx = this.#context(stream, version, access);
          return ok({ type: "get_autocommit", is_autocommit: ctx.session.autocommit });
        }
      }
    } catch (err) {
      if (err instanceof StmtError) return { type: "error", error: err.toProto() };
      throw err;
    }
  }
}

/** A batch's outcome as the entries of a Hrana cursor. */
export function cursorEntries(result: BatchResult): CursorEntry[] {
  const entries: CursorEntry[] = [];
  result.step_results.forEach((step, i) => {
    const error = result.step_errors[i];
    if (error) entries.push({ type: "step_error", step: i, error });
    if (!step) return;
    entries.push({ type: "step_begin", step: i, cols: step.cols });
    for (const row of step.rows) entries.push({ type: "row", row });
    entries.push({
      type: "step_end",
      affected_row_count: step.affected_row_count,
      last_insert_rowid: step.last_insert_rowid,
    });
  });
  return entries;
}

function ok(response: Extract<StreamResult, { type: "ok" }>["response"]): StreamResult {
  return { type: "ok", response };
}
