import type { MiddlewareHandler } from "hono";
import { type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";
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
 * Hono's secure headers plus a Content-Security-Policy; Strict-Transport-Security only on
 * responses to https requests (over plain http a browser ignores it, and a development server
 * on http://localhost must not pin the name to https).
 */
export function securityHeaders(
  csp: ContentSecurityPolicy | false = DEFAULT_CSP,
): MiddlewareHandler<NimbusEnv & { Variables: SecureHeadersVariables }> {
  const base = secureHeaders({
    strictTransportSecurity: false,
    // Not "no-referrer": under it browsers send `Origin: null` with the site's own form posts,
    // which the CSRF check refuses. "same-origin" still tells other sites nothing.
    referrerPolicy: "same-origin",
    ...(csp ? { contentSecurityPolicy: csp } : {}),
  });
  return async (c, next) => {
    await base(c, next);
    if (!requestIsHttps(c)) return;
    try {
      c.res.headers.set("Strict-Transport-Security", HSTS);
    } catch {
      // Immutable headers (a WebSocket upgrade).
    }
  };
}
