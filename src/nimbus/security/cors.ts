import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";

/** Which other origins may call the app from a browser, and with what. */
export interface CorsOptions {
  /** Origins allowed, exactly as browsers send them ("https://app.example.com"), or "*" for any (without credentials). */
  origins: readonly string[] | "*";
  /** Request headers allowed beyond the simple ones (default: Content-Type, Authorization, Accept, Nimbus-Consistency). */
  headers?: readonly string[];
  /** Methods allowed (default: GET, HEAD, POST, PUT, PATCH, DELETE). */
  methods?: readonly string[];
  /** Response headers the page's script may read (default: Location, Nimbus-Consistency, Retry-After). */
  exposeHeaders?: readonly string[];
  /** Let the browser send cookies along (default false); never with `origins: "*"`. */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight (default 600). */
  maxAge?: number;
}

/** Cross-origin access through Hono's CORS middleware, from the one place an app configures it. */
export function corsMiddleware(options: CorsOptions): MiddlewareHandler {
  if (options.origins === "*" && options.credentials) {
    throw new Error(
      'cors: origins "*" with credentials would let every site act as the signed-in user; list the origins instead.',
    );
  }
  const allowed = options.origins === "*" ? undefined : new Set(options.origins);
  return honoCors({
    // Unlisted origins get no Access-Control-Allow-Origin: the browser then refuses the response.
    origin: allowed ? (origin) => (allowed.has(origin) ? origin : null) : "*",
    allowHeaders: [
      ...(options.headers ?? ["Content-Type", "Authorization", "Accept", "Nimbus-Consistency"]),
    ],
    allowMethods: [...(options.methods ?? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])],
    exposeHeaders: [
      ...(options.exposeHeaders ?? ["Location", "Nimbus-Consistency", "Retry-After"]),
    ],
    credentials: options.credentials ?? false,
    maxAge: options.maxAge ?? 600,
  });
}
