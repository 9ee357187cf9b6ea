/**
 * Hrana over WebSockets (subprotocols hrana3, hrana2, hrana1; JSON), what @libsql/client uses
 * for libsql:// and ws:// URLs. One socket carries many streams; each stream is one engine
 * session, counted against the server's stream limit. Requests on a stream run in order; the
 * streams of a socket run independently (a transaction on one must be able to commit while
 * another waits for its lock). Statements, batches and cursors are the HTTP side's code.
 * The upgrade passes the same checks as an HTTP request (Origin, Host without auth); the
 * token comes in the `hello` message. A silent peer is dropped after a missed ping, and a
 * stream left idle in a transaction is rolled back after the transaction idle timeout.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { type Access, type AuthOptions, authenticate } from "./auth.ts";
import type { EngineSession } from "./engine.ts";
import { ProtocolError, StmtError } from "./errors.ts";
import {
  describe,
  type ExecContext,
  executeBatch,
  executeSequence,
  executeStmt,
  resolveSql,
} from "./execute.ts";
import { cursorEntries } from "./pipeline.ts";
import { batchSchema, type CursorEntry, type HranaVersion, stmtSchema } from "./protocol.ts";
import type { StreamRegistry } from "./stream.ts";

const int32 = z.number().int().min(-2147483648).max(2147483647);
const sqlRef = { sql: z.string().nullish(), sql_id: int32.nullish() };

const requestSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open_stream"), stream_id: int32 }),
  z.object({ type: z.literal("close_stream"), stream_id: int32 }),
  z.object({ type: z.literal("execute"), stream_id: int32, stmt: stmtSchema }),
  z.object({ type: z.literal("batch"), stream_id: int32, batch: batchSchema }),
  z.object({ type: z.literal("sequence"), stream_id: int32, ...sqlRef }),
  z.object({ type: z.literal("describe"), stream_id: int32, ...sqlRef }),
  z.object({ type: z.literal("store_sql"), sql_id: int32, sql: z.string() }),
  z.object({ type: z.literal("close_sql"), sql_id: int32 }),
  z.object({ type: z.literal("get_autocommit"), stream_id: int32 }),
  z.object({
    type: z.literal("open_cursor"),
    stream_id: int32,
    cursor_id: int32,
    batch: batchSchema,
  }),
  z.object({ type: z.literal("close_cursor"), cursor_id: int32 }),
  z.object({ type: z.literal("fetch_cursor"), cursor_id: int32, max_count: z.number().int() }),
]);
type Request = z.infer<typeof requestSchema>;

const clientMsgSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), jwt: z.string().nullish() }),
  z.object({ type: z.literal("request"), request_id: int32, request: requestSchema }),
]);

const SUBPROTOCOLS: ReadonlyMap<string, HranaVersion | 1> = new Map([
  ["hrana3", 3],
  ["hrana2", 2],
  ["hrana1", 1],
]);

export type WsOptions = {
  streams: StreamRegistry;
  auth: AuthOptions;
  maxMessageBytes: number;
  statementTimeLimitMs?: number | undefined;
  transactionIdleTimeoutMs: number;
  /** How often a silent peer is pinged; one missed pong drops it. Default 10 s. */
  pingIntervalMs?: number;
  /** The checks an HTTP request passes (Origin, Host); throws with a status to refuse. */
  checkRequest: (req: IncomingMessage) => void;
  onError: (err: unknown) => void;
};

type WsStream = {
  session: EngineSession | null;
  /** Requests on the stream run one after the other. */
  queue: Promise<void>;
  idle: NodeJS.Timeout | undefined;
  expired: boolean;
};

type WsCursor = { streamId: number; entries: CursorEntry[] };

/** Takes WebSocket upgrades of `server` and speaks Hrana on them. */
export function attachHranaWebSocket(server: Server, options: WsOptions): () => Promise<void> {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    handleProtocols: (offered) => [...offered].find((p) => SUBPROTOCOLS.has(p)) ?? false,
  });
  const connections = new Set<HranaConnection>();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      options.checkRequest(req);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      const message = err instanceof Error ? err.message : String(err);
      socket.end(
        `HTTP/1.1 ${status} Refused\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const version = ws.protocol === "" ? 1 : (SUBPROTOCOLS.get(ws.protocol) ?? 1);
      const conn = new HranaConnection(ws, version, options);
      connections.add(conn);
      ws.on("close", () => {
        connections.delete(conn);
        conn.closeAll().catch(options.onError);
      });
    });
  });
  return async () => {
    for (const conn of connections) conn.ws.terminate();
    await Promise.all([...connections].map((c) => c.closeAll()));
    wss.close();
  };
}

class HranaConnection {
  readonly ws: WebSocket;
  readonly #version: HranaVersion | 1;
  readonly #options: WsOptions;
  #access: Access | null = null;
  readonly #streams = new Map<number, WsStream>();
  readonly #cursors = new Map<number, WsCursor>();
  readonly #sqls = new Map<number, string>();
  #alive = true;
  readonly #ping: NodeJS.Timeout;

  constructor(ws: WebSocket, version: HranaVersion | 1, options: WsOptions) {
    this.ws = ws;
    this.#version = version;
    this.#options = options;
    ws.on("message", (data, isBinary) => this.#onMessage(data.toString(), isBinary));
    ws.on("pong", () => {
      this.#alive = true;
    });
    ws.on("error", () => ws.terminate());
    this.#ping = setInterval(() => {
      if (!this.#alive) return ws.terminate();
      this.#alive = false;
      ws.ping();
    }, options.pingIntervalMs ?? 10_000);
    this.#ping.unref();
  }

  /** Rolls back and closes every stream (the socket is gone). */
  async closeAll(): Promise<void> {
    clearInterval(this.#ping);
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    this.#cursors.clear();
    await Promise.all(streams.map((s) => this.#endStream(s)));
  }

  #fail(message: string): void {
    this.ws.close(1002, message.slice(0, 120));
  }

  #send(msg: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  #onMessage(text: string, isBinary: boolean): void {
    if (isBinary) {
      this.#fail("Only text messages are accepted (JSON)");
      return;
    }
    let parsed: z.infer<typeof clientMsgSchema>;
    try {
      const result = clientMsgSchema.safeParse(JSON.parse(text));
      if (!result.success) {
        this.#fail("Cannot deserialize client message");
        return;
      }
      parsed = result.data;
    } catch {
      this.#fail("Cannot deserialize client message from JSON");
      return;
    }
    if (parsed.type === "hello") {
      if (this.#access !== null && this.#version < 2) {
        this.#fail("Hello message can only be sent once in hrana1");
        return;
      }
      const auth = authenticate(
        this.#options.auth,
        parsed.jwt ? `Bearer ${parsed.jwt}` : undefined,
      );
      if (!auth.ok) {
        this.#send({ type: "hello_error", error: { message: auth.message, code: "AUTH_FAILED" } });
        this.ws.close(1000, "Authentication failed");
        return;
      }
      this.#access = auth.access;
      this.#send({ type: "hello_ok" });
      return;
    }
    if (this.#access === null) {
      this.#fail("The first message must be hello");
      return;
    }
    const { request_id: id, request } = parsed;
    const access = this.#access;
    Promise.resolve()
      .then(() => this.#dispatch(request, access))
      .then(
        (response) => this.#send({ type: "response_ok", request_id: id, response }),
        (err: unknown) => {
          if (err instanceof StmtError) {
            this.#send({ type: "response_error", request_id: id, error: err.toProto() });
          } else if (err instanceof ProtocolError) {
            this.#fail(err.message);
          } else {
            this.#options.onError(err);
            this.ws.close(1011, "Internal server error");
          }
        },
      );
  }

  /** Runs a request: stream requests in their stream's order, the others at once. */
  #dispatch(request: Request, access: Access): Promise<unknown> {
    switch (request.type) {
      case "store_sql":
        if (this.#sqls.has(request.sql_id)) {
          throw new ProtocolError(`SQL text ${request.sql_id} already exists`);
        }
        this.#sqls.set(request.sql_id, request.sql);
        return Promise.resolve({ type: "store_sql" });
      case "close_sql":
        this.#sqls.delete(request.sql_id);
        return Promise.resolve({ type: "close_sql" });
      case "open_stream": {
        if (this.#streams.has(request.stream_id)) {
          return Promise.reject(new ProtocolError(`Stream ${request.stream_id} already exists`));
        }
        const stream: WsStream = {
          session: null,
          queue: Promise.resolve(),
          idle: undefined,
          expired: false,
        };
        this.#streams.set(request.stream_id, stream);
        return this.#enqueue(stream, async () => {
          stream.session = await this.#options.streams.openSession();
          return { type: "open_stream" };
        });
      }
      case "close_stream": {
        const stream = this.#streams.get(request.stream_id);
        if (stream === undefined) return Promise.resolve({ type: "close_stream" });
        this.#streams.delete(request.stream_id);
        return this.#enqueue(stream, async () => {
          await this.#endStream(stream);
          return { type: "close_stream" };
        });
      }
      case "close_cursor":
        this.#cursors.delete(request.cursor_id);
        return Promise.resolve({ type: "close_cursor" });
      case "fetch_cursor": {
        const cursor = this.#cursors.get(request.cursor_id);
        if (cursor === undefined) {
          return Promise.reject(new ProtocolError(`Cursor ${request.cursor_id} not found`));
        }
        const entries = cursor.entries.splice(0, Math.max(1, request.max_count));
        return Promise.resolve({
          type: "fetch_cursor",
          entries,
          done: cursor.entries.length === 0,
        });
      }
      default: {
        const stream = this.#streams.get(request.stream_id);
        if (stream === undefined) {
          return Promise.reject(new ProtocolError(`Stream ${request.stream_id} not found`));
        }
        return this.#enqueue(stream, () => this.#onStream(stream, request, access));
      }
    }
  }

  async #onStream(stream: WsStream, request: Request, access: Access): Promise<unknown> {
    const ctx = this.#context(stream, access);
    switch (request.type) {
      case "execute":
        return { type: "execute", result: await executeStmt(ctx, request.stmt) };
      case "batch":
        return { type: "batch", result: await executeBatch(ctx, request.batch) };
      case "sequence":
        this.#needVersion(2, "sequence");
        await executeSequence(ctx, resolveSql(ctx, request.sql, request.sql_id));
        return { type: "sequence" };
      case "describe":
        this.#needVersion(2, "describe");
        return {
          type: "describe",
          result: await describe(ctx, resolveSql(ctx, request.sql, request.sql_id)),
        };
      case "get_autocommit":
        this.#needVersion(3, "get_autocommit");
        return { type: "get_autocommit", is_autocommit: ctx.session.autocommit };
      case "open_cursor": {
        this.#needVersion(3, "open_cursor");
        if (this.#cursors.has(request.cursor_id)) {
          throw new ProtocolError(`Cursor ${request.cursor_id} already exists`);
        }
        let entries: CursorEntry[];
        try {
          entries = cursorEntries(await executeBatch(ctx, request.batch));
        } catch (err) {
          if (!(err instanceof StmtError)) throw err;
          entries = [{ type: "error", error: err.toProto() }];
        }
        this.#cursors.set(request.cursor_id, { streamId: request.stream_id, entries });
        return { type: "open_cursor" };
      }
      default:
        throw new ProtocolError(`Unexpected request ${request.type}`);
    }
  }

  #needVersion(version: number, what: string): void {
    if (this.#version < version) {
      throw new ProtocolError(
        `${what} needs hrana${version}; this socket speaks hrana${this.#version}`,
      );
    }
  }

  #context(stream: WsStream, access: Access): ExecContext {
    if (stream.expired) {
      throw new StmtError("STREAM_EXPIRED", "The stream has expired due to inactivity");
    }
    if (stream.session === null) throw new ProtocolError("The stream is closed");
    return {
      session: stream.session,
      sqls: this.#sqls,
      version: this.#version === 1 ? 2 : this.#version,
      timeLimitMs: this.#options.statementTimeLimitMs,
      access,
    };
  }

  /** Runs `work` after the stream's earlier requests; arms the idle timer of a transaction. */
  #enqueue<T>(stream: WsStream, work: () => Promise<T>): Promise<T> {
    clearTimeout(stream.idle);
    const result = stream.queue.then(work);
    stream.queue = result.then(
      () => this.#armIdle(stream),
      () => this.#armIdle(stream),
    );
    return result;
  }

  #armIdle(stream: WsStream): void {
    clearTimeout(stream.idle);
    if (stream.session === null || stream.session.autocommit) return;
    stream.idle = setTimeout(() => {
      stream.expired = true;
      stream.queue = stream.queue.then(() => this.#endStream(stream));
    }, this.#options.transactionIdleTimeoutMs);
    stream.idle.unref();
  }

  async #endStream(stream: WsStream): Promise<void> {
    clearTimeout(stream.idle);
    const session = stream.session;
    stream.session = null;
    if (session !== null) await this.#options.streams.endSession(session);
  }
}
