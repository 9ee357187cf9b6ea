import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { hasBody } from "../http/body.ts";
import { Forbidden } from "../http/errors.ts";
import { isCrossSiteSendable, isFormType, parseMediaType } from "../http/media-type.ts";
import { requestOrigin } from "./client-address.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The header a page's own script sends the token in (forms send the `_csrf` field). */
export const CSRF_HEADER = "X-CSRF-Token";

/** Constant-time comparison, so the token can't be guessed byte by byte from timings. */
function tokensMatch(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function sentToken(c: Context<NimbusEnv>, formLike: boolean): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  if (!formLike || !hasBody(c.req.raw)) return undefined;
  // text/plain (or garbage) can't carry a `_csrf` field; don't parse what would be a 415.
  if (!isFormType(parseMediaType(c.req.header("Content-Type")))) return undefined;
  const body = await c.get("body")();
  const field = body.kind === "form" ? body.data._csrf : undefined;
  return typeof field === "string" ? field : undefined;
}

/** Whether `origin` is this site, one of its configured origins, or a trusted one. */
function originAllowed(c: Context<NimbusEnv>, origin: string, trusted: Set<string>): boolean {
  if (trusted.has(origin)) return true;
  try {
    return new URL(origin).origin === requestOrigin(c);
  } catch {
    return false;
  }
}

/**
 * Stops cross-site request forgery on every unsafe method.
 * - `Origin: null` (sandboxed frames, data: URLs) and any other site's Origin are refused;
 *   so is `Sec-Fetch-Site` other than same-origin, unless the Origin is trusted.
 * - A body another site can make a browser send without asking (a form, text/plain, or a
 *   Content-Type a browser would not parse) must carry the session's token.
 * - Any other request without a token must come from this site (Origin or Sec-Fetch-Site say so)
 *   or from a non-browser client (neither header: browsers send Origin on every cross-origin
 *   POST, and need a CORS preflight, which Nimbus does not grant, for JSON).
 */
export function csrf(options: CsrfOptions = {}): MiddlewareHandler<NimbusEnv> {
  const guard = csrfGuard(options);
  return async (c, next) => {
    await guard(c);
    return next();
  };
}

export interface CsrfOptions {
  trustedOrigins?: readonly string[];
  /** Requests this check does not apply to: those that can't be forged cross-site (a bearer token in a header). */
  exempt?: (c: Context) => boolean;
}

/**
 * csrf's check as a plain function (throws the 403), for a middleware that runs several checks.
 * A safe method returns at once, without a promise.
 */
export function csrfGuard(
  options: CsrfOptions = {},
): (c: Context<NimbusEnv>) => Promise<void> | undefined {
  const trusted = new Set(options.trustedOrigins ?? []);
  const check = async (c: Context<NimbusEnv>): Promise<void> => {
    const origin = c.req.header("Origin");
    const site = c.req.header("Sec-Fetch-Site")?.toLowerCase();
    if (origin === "null") {
      throw new Forbidden(
        "Requests from an opaque origin (Origin: null: a sandboxed frame, a data: URL, a file) may not change data.",
      );
    }
    const allowedOrigin = origin !== undefined && originAllowed(c, origin, trusted);
    if (origin !== undefined && !allowedOrigin) {
      throw new Forbidden(
        `Requests from origin ${origin} are refused; only this site may change data.`,
      );
    }
    if (site !== undefined && site !== "same-origin" && !allowedOrigin) {
      throw new Forbidden(`Requests from another site are refused (Sec-Fetch-Site: ${site}).`);
    }
    const contentType = c.req.header("Content-Type");
    const formLike = contentType !== undefined && isCrossSiteSendable(contentType);
    const sent = await sentToken(c, formLike);
    const expected = c.get("session").get<string>("csrf");
    if (sent !== undefined) {
      if (!expected || !tokensMatch(sent, expected)) {
        throw new Forbidden(
          "The form's security token is stale. Reload the page and submit the form again.",
        );
      }
      return;
    }
    if (formLike) {
      throw new Forbidden(
        "The form's security token is missing or stale. Reload the page and submit the form again.",
      );
    }
  };
  return (c) => {
    if (SAFE_METHODS.has(c.req.method) || options.exempt?.(c)) return undefined;
    return check(c);
  };
}
