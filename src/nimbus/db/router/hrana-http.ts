/**
 * One statement over Hrana-over-HTTP (v2 pipeline: execute + close, one request), as
 * @libsql/client's HTTP client sends it and with the same results and errors (ResultSet rows,
 * integers as numbers, LibsqlError "CODE: message"), without its per-request machinery: no client
 * object, stream, queue, request-body writer, validating reader or per-row property definitions.
 * A list page's single read takes this path; batches, transactions and migrations stay on
 * @libsql/client.
 */
import {
  type InStatement,
  type InValue,
  LibsqlError,
  type ResultSet,
  type Value,
} from "@libsql/client/web";
import { rowMaker } from "./hrana-rows.ts";

/** Where and how to send: the server's pipeline URL and its token. */
export interface HranaEndpoint {
  pipelineUrl: string;
  authToken: string | undefined;
}

/**
 * The endpoint for a server URL when it is a plain http(s)://host[:port] (what @libsql/client
 * would resolve the same way); undefined for anything else (libsql:, ws:, a path or a query),
 * which goes through @libsql/client.
 */
export function hranaEndpoint(
  url: string,
  authToken: string | undefined,
): HranaEndpoint | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const plain =
    (parsed.protocol === "http:" || parsed.protocol === "https:") &&
    (parsed.pathname === "/" || parsed.pathname === "") &&
    parsed.search === "" &&
    parsed.hash === "" &&
    parsed.username === "" &&
    parsed.password === "";
  return plain ? { pipelineUrl: `${parsed.origin}/v2/pipeline`, authToken } : undefined;
}

type ProtoValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

const MIN_INTEGER = -9223372036854775808n;
const MAX_INTEGER = 9223372036854775807n;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): ArrayBuffer {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** @libsql/client's argument encoding (hrana-client valueToProto + its JSON writer). */
function encodeArg(value: InValue): ProtoValue {
  if (value === null) return { type: "null" };
  switch (typeof value) {
    case "string":
      return { type: "text", value };
    case "number":
      if (!Number.isFinite(value)) {
        throw new RangeError(
          "Only finite numbers (not Infinity or NaN) can be passed as arguments",
        );
      }
      return { type: "float", value };
    case "bigint":
      if (value < MIN_INTEGER || value > MAX_INTEGER) {
        throw new RangeError(
          "This bigint value is too large to be represented as a 64-bit integer and passed as argument",
        );
      }
      return { type: "integer", value: String(value) };
    case "boolean":
      return { type: "integer", value: value ? "1" : "0" };
  }
  if (value instanceof ArrayBuffer)
    return { type: "blob", base64: toBase64(new Uint8Array(value)) };
  if (value instanceof Uint8Array) return { type: "blob", base64: toBase64(value) };
  if (value instanceof Date) return { type: "float", value: +value.valueOf() };
  if (typeof value === "object") return { type: "text", value: `${(value as object).toString()}` };
  throw new TypeError("Unsupported type of value");
}

/** @libsql/client's decoding with intMode "number". */
function decodeValue(value: ProtoValue): Value {
  switch (value.type) {
    case "null":
      return null;
    case "integer": {
      const n = Number(value.value);
      if (!Number.isSafeInteger(n)) {
        throw new RangeError(
          "Received integer which is too large to be safely represented as a JavaScript number",
        );
      }
      return n;
    }
    case "float":
      return value.value;
    case "text":
      return value.value;
    case "blob":
      return fromBase64(value.base64);
  }
  throw responseError({ message: "Unexpected type of Value", code: "HRANA_PROTO_ERROR" });
}

type StmtResult = {
  cols: { name?: string | null; decltype?: string | null }[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid?: string | null;
};

type PipelineResponse = {
  results: (
    | { type: "ok"; response: { type: string; result?: StmtResult } }
    | { type: "error"; error: { message: string; code?: string | null } }
  )[];
};

// Plain fields, no parameter properties: Node-side scripts (the data bench) import this file with type stripping.
class ResultSetImpl implements ResultSet {
  readonly columns: string[];
  readonly columnTypes: string[];
  readonly rows: ResultSet["rows"];
  readonly rowsAffected: number;
  readonly lastInsertRowid: bigint | undefined;

  constructor(
    columns: string[],
    columnTypes: string[],
    rows: ResultSet["rows"],
    rowsAffected: number,
    lastInsertRowid: bigint | undefined,
  ) {
    this.columns = columns;
    this.columnTypes = columnTypes;
    this.rows = rows;
    this.rowsAffected = rowsAffected;
    this.lastInsertRowid = lastInsertRowid;
  }

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((row) =>
        Array.prototype.map.call(row, (v: Value) =>
          typeof v === "bigint"
            ? `${v}`
            : v instanceof ArrayBuffer
              ? toBase64(new Uint8Array(v))
              : v,
        ),
      ),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid !== undefined ? `${this.lastInsertRowid}` : null,
    };
  }
}

function resultSet(result: StmtResult): ResultSet {
  const columns = result.cols.map((c) => c.name ?? "");
  const make = rowMaker(columns);
  const rows = result.rows.map((row) => make(row.map(decodeValue)));
  const rowid = result.last_insert_rowid;
  return new ResultSetImpl(
    columns,
    result.cols.map((c) => c.decltype ?? ""),
    rows,
    result.affected_row_count,
    rowid === undefined || rowid === null ? undefined : BigInt(rowid),
  );
}

/** A server-reported failure, as @libsql/client reports it (LibsqlError with the Hrana code). */
function responseError(error: { message: string; code?: string | null | undefined }): LibsqlError {
  const cause = new Error(error.message);
  cause.name = "ResponseError";
  return new LibsqlError(error.message, error.code ?? "UNKNOWN", undefined, undefined, cause);
}

async function httpError(resp: Response): Promise<LibsqlError> {
  const type = resp.headers.get("content-type") ?? "text/plain";
  let message = `Server returned HTTP status ${resp.status}`;
  if (type === "application/json") {
    const body = (await resp.json()) as { message?: string; code?: string | null };
    if (typeof body === "object" && body !== null && "message" in body) {
      return responseError({ message: String(body.message), code: body.code });
    }
  } else if (type === "text/plain") {
    const text = (await resp.text()).trim();
    if (text !== "") message += `: ${text}`;
  } else {
    await resp.body?.cancel();
  }
  const cause = new Error(message);
  cause.name = "HttpServerError";
  return new LibsqlError(message, "SERVER_ERROR", undefined, undefined, cause);
}

function requestBody(stmt: InStatement): string {
  const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: undefined } : stmt;
  let positional: ProtoValue[] = [];
  let named: { name: string; value: ProtoValue }[] = [];
  if (Array.isArray(args)) positional = args.map(encodeArg);
  else if (args)
    named = Object.entries(args).map(([name, value]) => ({ name, value: encodeArg(value) }));
  return JSON.stringify({
    baton: null,
    requests: [
      { type: "execute", stmt: { sql, args: positional, named_args: named, want_rows: true } },
      { type: "close" },
    ],
  });
}

/**
 * Runs one statement on its own stream (execute, then close, in one HTTP request) and returns
 * @libsql/client's ResultSet; failures are LibsqlErrors as @libsql/client throws them.
 */
export async function executeOverHttp(
  endpoint: HranaEndpoint,
  stmt: InStatement,
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
): Promise<ResultSet> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (endpoint.authToken !== undefined) headers.authorization = `Bearer ${endpoint.authToken}`;
  const resp = await fetchFn(endpoint.pipelineUrl, {
    method: "POST",
    headers,
    body: requestBody(stmt),
  });
  if (!resp.ok) throw await httpError(resp);
  const body = (await resp.json()) as PipelineResponse;
  const first = body.results?.[0];
  if (first?.type === "error") throw responseError(first.error);
  const result = first?.type === "ok" ? first.response.result : undefined;
  if (result === undefined) {
    throw responseError({
      message: "Received unexpected type of response",
      code: "HRANA_PROTO_ERROR",
    });
  }
  return resultSet(result);
}
