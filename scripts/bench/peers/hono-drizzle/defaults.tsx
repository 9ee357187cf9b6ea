// The hono-drizzle peer plus, in the open, the work Nimbus does by default that a careful
// hand-written app does too (issue 14 allows it, both forms reported): security headers with a
// Content-Security-Policy (Hono's secureHeaders, set as Nimbus sets them; HSTS only over https),
// and one JSON request log line with a request id the response also carries. Everything else is
// the plain peer, mounted unchanged.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import plain from "./worker.tsx";

export { LinksRoom } from "./room.ts";

const SAFE_ID = /^[\w.:-]{1,128}$/;

const app = new Hono();

app.use(async (c, next) => {
  const started = Date.now();
  const given = c.req.header("X-Request-Id");
  const requestId = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
  await next();
  c.res.headers.set("X-Request-Id", requestId);
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
});

const headers = secureHeaders({
  strictTransportSecurity: false,
  referrerPolicy: "same-origin",
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
});
app.use(async (c, next) => {
  await headers(c, next);
  if (c.req.url.startsWith("https:")) {
    c.res.headers.set("Strict-Transport-Security", "max-age=15552000; includeSubDomains");
  }
});

app.route("/", plain);

export default app;
