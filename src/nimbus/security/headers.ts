import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { requestIsHttps } from "./client-address.ts";

/** A Content-Security-Policy as directive → sources, e.g. `{ scriptSrc: ["'self'"] }`. */
export type ContentSecurityPolicy = Record<string, string[]>;

/**
 * Scripts only from this site (no inline script, so an injected `<script>` does nothing),
 * styles from this site or inline `<style>` (the layouts inline theirs), nothing framed,
 * forms and connections (WebSockets included) only to this site.
 */
export const DEFAULT_CSP: ContentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

const HSTS = "max-age=15552000; includeSubDomains";

/**
 * What Hono's secureHeaders() sets by default, with Referrer-Policy "same-origin" (under
 * "no-referrer" browsers send `Origin: null` with the site's own form posts, which the CSRF
 * check refuses; "same-origin" still tells other sites nothing) and no HSTS (added per request).
 */
const BASE_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "same-origin"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

/** `{ defaultSrc: ["'self'"] }` → `default-src 'self'`, directives joined by `; `. */
export function cspHeaderValue(csp: ContentSecurityPolicy): string {
  return Object.entries(csp)
    .map(([directive, sources]) => {
      const name = directive.replace(/[A-Z]+(?![a-z])|[A-Z]/g, (match, offset) =>
        offset ? `-${match.toLowerCase()}` : match.toLowerCase(),
      );
      return [name, ...sources].join(" ");
    })
    .join("; ");
}

/** The security headers of every response, worked out once per app. */
export function securityHeaderList(
  csp: ContentSecurityPolicy | false = DEFAULT_CSP,
): readonly (readonly [string, string])[] {
  return Object.freeze(
    csp
      ? [...BASE_HEADERS, ["Content-Security-Policy", cspHeaderValue(csp)] as const]
      : BASE_HEADERS,
  );
}

/**
 * Puts `list` on the request's response (replacing what the handler set, as Hono's
 * secureHeaders does), and Strict-Transport-Security on responses to https requests (over
 * plain http a browser ignores it, and a development server on http://localhost must not pin
 * the name to https). A response with immutable headers (passed through from `fetch()`) is
 * copied once; a WebSocket upgrade goes out as it is.
 */
export function applySecurityHeaders(
  c: Context<NimbusEnv>,
  list: readonly (readonly [string, string])[],
): void {
  // Made with them in its constructor's list (withSecurityHeaders): nothing left to set.
  if (secured.has(c.res)) return;
  let headers = c.res.headers;
  try {
    for (const [name, value] of list) headers.set(name, value);
  } catch {
    if (c.res.status === 101) return;
    c.res = new Response(c.res.body, c.res);
    headers = c.res.headers;
    for (const [name, value] of list) headers.set(name, value);
  }
  headers.delete("X-Powered-By");
  if (requestIsHttps(c)) headers.set("Strict-Transport-Security", HSTS);
}

/** The security headers as a middleware of their own (createApp applies them in its first one). */
export function securityHeaders(
  csp: ContentSecurityPolicy | false = DEFAULT_CSP,
): MiddlewareHandler<NimbusEnv> {
  const list = securityHeaderList(csp);
  return async (c, next) => {
    await next();
    applySecurityHeaders(c, list);
  };
}

/** Responses made with the security headers in their constructor's list (a cache hit). */
const secured = new WeakSet<Response>();
/**
 * `headers` (a response's own, e.g. a cache entry's) followed by the security headers, as
 * applySecurityHeaders would leave them: one of the same name replaced, `X-Powered-By` dropped.
 */
export function withSecurityHeaders(
  headers: readonly (readonly [string, string])[],
  list: readonly (readonly [string, string])[],
): [string, string][] {
  const replaced = new Set(list.map(([name]) => name.toLowerCase()));
  replaced.add("x-powered-by");
  return [...headers.filter(([name]) => !replaced.has(name.toLowerCase())), ...list] as [
    string,
    string,
  ][];
}

/**
 * A response whose constructor got its headers from withSecurityHeaders (plus HSTS over https,
 * `hstsHeader`): applySecurityHeaders, which would set the same values one call at a time
 * into the runtime, leaves it as it is.
 */
export function markSecured(res: Response): Response {
  secured.add(res);
  return res;
}

/** Strict-Transport-Security as applySecurityHeaders sets it, when the request came over https. */
export function hstsHeader(c: Context<NimbusEnv>): readonly [string, string] | undefined {
  return requestIsHttps(c) ? ["Strict-Transport-Security", HSTS] : undefined;
}
