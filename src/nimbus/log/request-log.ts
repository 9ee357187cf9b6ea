import type { MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { setResponseHeader } from "../http/response-header.ts";

/** A caller's id is kept only if it can't forge log lines or flood them. */
const SAFE_ID = /^[\w.:-]{1,128}$/;

/** One JSON line per request on stdout, with the request id the response also carries. */
export function requestLog(): MiddlewareHandler<NimbusEnv> {
  return async (c, next) => {
    const started = Date.now();
    const given = c.req.header("X-Request-Id");
    const requestId = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    setResponseHeader(c, "X-Request-Id", requestId);
    console.log(
      JSON.stringify({
        level: c.res.status >= 500 ? "error" : "info",
        msg: "request",
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Date.now() - started,
      }),
    );
  };
}
