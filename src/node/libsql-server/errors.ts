/**
 * Errors as sqld reports them. Three families:
 * - ProtocolError: the client broke the protocol → HTTP 400 (text/plain), stream closed;
 * - StreamExpiredError: a correct client may hit it → HTTP 400 with a JSON {message, code};
 * - StmtError: a statement failed → a per-request or per-step error, the stream stays open.
 */
import type { ProtoError } from "./protocol.ts";

export class ProtocolError extends Error {
  override name = "ProtocolError";
}

export class StreamExpiredError extends Error {
  override name = "StreamExpiredError";
  readonly code = "STREAM_EXPIRED";
  constructor() {
    super("The stream has expired due to inactivity");
  }
}

export class StmtError extends Error {
  override name = "StmtError";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
  toProto(): ProtoError {
    return { message: this.message, code: this.code };
  }
}

/**
 * The engine lost an open transaction before it committed (the mirrored database changed
 * leader): it was rolled back, nothing of it was written, and running it again is safe.
 */
export class TransactionLostError extends StmtError {
  override name = "TransactionLostError";
  constructor(message: string) {
    super("SQLITE_ABORT", message);
  }
}

/**
 * sqld names errors after rusqlite's ErrorCode, which has no variant for SQLITE_ERROR (1):
 * a plain SQLite error (no such table, …) therefore reaches clients as SQLITE_UNKNOWN.
 */
const PRIMARY_CODES: Record<number, string> = {
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

type EngineError = Error & { code: string; rawCode?: number };

/** True for errors raised by the SQLite engine (libsql's SqliteError). */
export function isEngineError(err: unknown): err is EngineError {
  return (
    err instanceof Error &&
    typeof (err as unknown as { code?: unknown }).code === "string" &&
    (err as unknown as { code: string }).code.startsWith("SQLITE_")
  );
}

/** SQLITE_BUSY and its extended codes, except BUSY_SNAPSHOT: a retry can never succeed there. */
export function isRetryableBusy(err: unknown): boolean {
  return (
    isEngineError(err) && err.code.startsWith("SQLITE_BUSY") && err.code !== "SQLITE_BUSY_SNAPSHOT"
  );
}

const PARSE_ERROR = /syntax error|unrecognized token|incomplete input|unterminated/i;

/**
 * Maps an engine error to the error sqld would report. `preparing` is true when the statement
 * failed to compile: syntax errors are caught by sqld's own parser as SQL_PARSE_ERROR.
 */
export function toStmtError(err: unknown, preparing: boolean): StmtError {
  if (err instanceof StmtError) return err;
  if (!isEngineError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new StmtError("SQLITE_UNKNOWN", `SQLite error: ${message}`);
  }
  if (preparing && PARSE_ERROR.test(err.message)) {
    return new StmtError("SQL_PARSE_ERROR", `SQL string could not be parsed: ${err.message}`);
  }
  const primary = (err.rawCode ?? 1) & 0xff;
  const code = PRIMARY_CODES[primary] ?? "SQLITE_UNKNOWN";
  return new StmtError(code, `SQLite error: ${err.message}`);
}

export const stmtErrors = {
  noStatement: () => new StmtError("SQL_NO_STATEMENT", "SQL string does not contain any statement"),
  manyStatements: () =>
    new StmtError("SQL_MANY_STATEMENTS", "SQL string contains more than one statement"),
  argsInvalid: (reason: string) =>
    new StmtError("ARGS_INVALID", `Arguments do not match SQL parameters: ${reason}`),
  bothArgKinds: () =>
    new StmtError(
      "ARGS_BOTH_POSITIONAL_AND_NAMED",
      "Specifying both positional and named arguments is not supported",
    ),
};
