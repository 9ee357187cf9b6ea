/**
 * The node:http front of the server: sqld's routes, bearer-token auth, body limits, and the
 * mapping of every failure to an HTTP answer (never an unhandled rejection).
 * What a web page could send blind is refused before anything runs: a request carrying an
 * Origin (browsers add it; server-side clients never do), a body that is not JSON
 * (text/plain and form posts need no CORS preflight), and — without auth — a Host that is not
 * a loopback name (DNS rebinding makes a page's own name point at 127.0.0.1).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AuthOptions, authenticate, authRequired } from "./auth.ts";
import { ProtocolError, StreamExpiredError } from "./errors.ts";
import type { HranaHandler } from "./pipeline.ts";
import type { HranaVersion } from "./protocol.ts";

export type HttpServerOptions = {
  handler: HranaHandler;
  /** Static token and/or JWT key; none: open (loopback only). */
  auth: AuthOptions;
  /** Host names accepted besides loopback ones when there is no auth. */
  allowedHosts?: readonly string[] | undefined;
  /** Origins accepted (browser pages); default none. */
  allowedOrigins?: readonly string[] | undefined;
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

/** Host names that only ever mean this machine. */
export function isLoopbackName(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    name === "localhost" ||
    name.endsWith(".localhost") ||
    name === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/** The name in a Host header, without the port. */
function hostName(header: string): string {
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  const colon = header.lastIndexOf(":");
  return colon < 0 ? header : header.slice(0, colon);
}

/** Refuses requests a web page could have made (see the module comment). */
export function checkOrigin(
  options: Pick<HttpServerOptions, "auth" | "allowedHosts" | "allowedOrigins">,
  req: IncomingMessage,
): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !(options.allowedOrigins ?? []).includes(origin)) {
    throw new HttpError(403, `Requests from web pages are refused (Origin ${origin})`);
  }
  if (authRequired(options.auth)) return;
  const host = hostName(req.headers.host ?? "");
  const allowed = isLoopbackName(host) || (options.allowedHosts ?? []).includes(host.toLowerCase());
  if (!allowed) {
    throw new HttpError(
      403,
      `Host ${JSON.stringify(req.headers.host ?? "")} is refused: without auth this server answers loopback names only (DNS rebinding protection)`,
    );
  }
}

/** Hrana bodies are JSON; anything else (text/plain, forms) is refused unread. */
function checkJson(req: IncomingMessage): void {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new HttpError(
      415,
      `Content-Type must be application/json (got ${JSON.stringify(req.headers["content-type"] ?? "none")})`,
    );
  }
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
  checkOrigin(options, req);
  const auth = authenticate(options.auth, req.headers.authorization);
  if (!auth.ok) {
    req.resume();
    return sendJson(res, 401, { error: auth.message });
  }
  checkJson(req);
  const body = await readJson(req, options.maxBodyBytes);
  if (!hrana.cursor) {
    return sendJson(res, 200, await options.handler.pipeline(body, hrana.version, auth.access));
  }
  const { head, entries } = await options.handler.cursor(body, hrana.version, auth.access);
  const lines = [head, ...entries].map((e) => `${JSON.stringify(e)}\n`).join("");
  return sendText(res, 200, lines);
}

export function createHranaHttpServer(options: HttpServerOptions): Server {
  // Node closes an idle keep-alive connection after 5 s by default; a client (workerd's fetch
  // pool) that reuses it at that moment sees a reset and its query fails. Idle connections are
  // kept longer than clients keep theirs, so the client is the one that closes them.
  return createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    route(options, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        req.resume();
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
