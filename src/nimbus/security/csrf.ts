import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { Forbidden } from "../http/errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function isForm(contentType: string): boolean {
  return (
    contentType.includes("application/x-www-form-urlencoded") ||
    contentType.includes("multipart/form-data") ||
    contentType.includes("text/plain")
  );
}

function sameOrigin(origin: string, requestUrl: string): boolean {
  try {
    return new URL(origin).origin === new URL(requestUrl).origin;
  } catch {
    return false;
  }
}

/** Constant-time comparison, so the token can't be guessed byte by byte from timings. */
function tokensMatch(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Stops cross-site request forgery on every unsafe method:
 * browsers' own signals (Sec-Fetch-Site, Origin) for every request, and the session's
 * token for forms, since a form is the one thing another site can make a browser post.
 */
export function csrf(
  options: {
    trustedOrigins?: readonly string[];
    /** Requests this check does not apply to: those that can't be forged cross-site (a bearer token in a header). */
    exempt?: (c: Context) => boolean;
  } = {},
): MiddlewareHandler<NimbusEnv> {
  const trusted = new Set(options.trustedOrigins ?? []);
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (options.exempt?.(c)) return next();
    const origin = c.req.header("Origin");
    const site = c.req.header("Sec-Fetch-Site");
    const trustedOrigin =
      origin !== undefined && (trusted.has(origin) || sameOrigin(origin, c.req.url));
    if (site === "cross-site" && !trustedOrigin) {
      throw new Forbidden("Cross-site requests are refused (Sec-Fetch-Site: cross-site).");
    }
    if (origin !== undefined && origin !== "null" && !trustedOrigin) {
      throw new Forbidden(
        `Requests from origin ${origin} are refused; only this site may change data.`,
      );
    }
    if (isForm(c.req.header("Content-Type") ?? "")) {
      const body = await c.get("body")();
      const sent = body.kind === "form" ? body.data._csrf : undefined;
      const expected = c.get("session").get<string>("csrf");
      if (!sent || !expected || !tokensMatch(sent, expected)) {
        throw new Forbidden(
          "The form's security token is missing or stale. Reload the page and submit the form again.",
        );
      }
    }
    return next();
  };
}
