import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { setResponseHeader } from "../http/response-header.ts";

/** A caller's id is kept only if it can't forge log lines or flood them. */
const SAFE_ID = /^[\w.:-]{1,128}$/;

/**
 * The JSON line, written out: the same text `JSON.stringify` makes of the object, without
 * building the object first. The request id (SAFE_ID or a UUID) and the status need no
 * escaping; the method and path are quoted by `JSON.stringify`.
 */
export function logLine(
  requestId: string,
  method: string,
  path: string,
  status: number,
  ms: number,
) {
  const level = status >= 500 ? "error" : "info";
  return `{"level":"${level}","msg":"request","requestId":"${requestId}","method":${JSON.stringify(method)},"path":${JSON.stringify(path)},"status":${status},"ms":${ms}}`;
}

/** The caller's request id when it is safe to log, else a new one; kept as `c.var.requestId`. */
export function requestIdOf(c: Context<NimbusEnv>): string {
  const given = c.req.header("X-Request-Id");
  const requestId = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
  c.set("requestId", requestId);
  return requestId;
}

/** Hands the id back on the response and writes the request's line. */
export function logRequest(c: Context<NimbusEnv>, requestId: string, started: number): void {
  setResponseHeader(c, "X-Request-Id", requestId);
  console.log(logLine(requestId, c.req.method, c.req.path, c.res.status, Date.now() - started));
}

/** One JSON line per request on stdout, with the request id the response also carries. */
export function requestLog(): MiddlewareHandler<NimbusEnv> {
  return async (c, next) => {
    const started = Date.now();
    const requestId = requestIdOf(c);
    await next();
    logRequest(c, requestId, started);
  };
}
