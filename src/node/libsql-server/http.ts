/**
 * The node:http front of the server: sqld's routes, bearer-token auth, body limits, and the
 * mapping of every failure to an HTTP answer (never an unhandled rejection).
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ProtocolError, StreamExpiredError } from "./errors.ts";
import type { HranaHandler } from "./pipeline.ts";
import type { HranaVersion } from "./protocol.ts";

export type HttpServerOptions = {
  handler: HranaHandler;
  /** When set, pipeline and cursor requests need `Authorization: Bearer <authToken>`. */
  authToken?: string | undefined;
  maxBodyBytes: number;
  /** Answer of GET /version. */
  version: string;
  onError: (err: unknown) => void;
};

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const sendText = (res: ServerResponse, status: number, body: string) =>
  send(res, status, "text/plain", body);
const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, "application/json", JSON.stringify(body));

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained and dropped, so that the 413 reaches the client.
      if (size > limit) reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(
      `Cannot deserialize client message from JSON: ${err instanceof Error ? err.message : err}`,
    );
  }
}

/** sqld answers auth failures with 401 and a JSON `{ error }` body. */
function authFailure(req: IncomingMessage, token: string | undefined): string | null {
  if (token === undefined) return null;
  const header = req.headers.authorization;
  if (header === undefined) {
    return "Unauthorized: `The `Authorization` HTTP header is required but was not specified`";
  }
  const [scheme, value] = header.split(" ", 2);
  if (scheme?.toLowerCase() !== "bearer" || value === undefined) {
    return "Unauthorized: `The authentication scheme in the `Authorization` HTTP header is not supported (use Bearer)`";
  }
  const given = Buffer.from(value);
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return "Unauthorized: `The auth token is invalid`";
  }
  return null;
}

const HELLO = "Hello, this is HTTP API v2 (Hrana over HTTP)";
const HRANA_ROUTES: Record<string, { version: HranaVersion; cursor: boolean }> = {
  "/v2/pipeline": { version: 2, cursor: false },
  "/v3/pipeline": { version: 3, cursor: false },
  "/v3/cursor": { version: 3, cursor: true },
};

function plainRoute(path: string, version: string): string | undefined {
  switch (path) {
    case "/health":
      return "";
    case "/version":
      return version;
    case "/v2":
    case "/v3":
      return HELLO;
  }
}

async function route(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const method = req.method ?? "GET";
  const expectMethod = (allowed: string) => {
    if (method !== allowed) throw new HttpError(405, `Use ${allowed} for ${path}`);
  };

  const text = plainRoute(path, options.version);
  if (text !== undefined) {
    expectMethod("GET");
    return sendText(res, 200, text);
  }
  if (path.startsWith("/v3-protobuf")) {
    throw new HttpError(
      404,
      "This server speaks Hrana over HTTP with JSON only (/v2/pipeline, /v3/pipeline, /v3/cursor)",
    );
  }
  const hrana = HRANA_ROUTES[path];
  if (hrana === undefined) throw new HttpError(404, `Not found: ${path}`);
  expectMethod("POST");
  const denied = authFailure(req, options.authToken);
  if (denied !== null) {
    req.resume();
    return sendJson(res, 401, { error: denied });
  }
  const body = await readJson(req, options.maxBodyBytes);
  if (!hrana.cursor) {
    return sendJson(res, 200, await options.handler.pipeline(body, hrana.version));
  }
  const { head, entries } = await options.handler.cursor(body, hrana.version);
  const lines = [head, ...entries].map((e) => `${JSON.stringify(e)}\n`).join("");
  return sendText(res, 200, lines);
}

export function createHranaHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    route(options, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        sendText(res, err.status, err.message);
      } else if (err instanceof ProtocolError) {
        sendText(res, 400, err.message);
      } else if (err instanceof StreamExpiredError) {
        sendJson(res, 400, { message: err.message, code: err.code });
      } else {
        options.onError(err);
        sendText(res, 500, `Internal server error: ${err instanceof Error ? err.message : err}`);
      }
    });
  });
}
