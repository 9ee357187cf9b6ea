import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { setResponseHeader } from "../../http/response-header.ts";

/** The request and response header that carries an API client's consistency token. */
export const CONSISTENCY_HEADER = "Nimbus-Consistency";
/** The cookie that carries a browser's consistency token from page to page. */
export const CONSISTENCY_COOKIE = "nimbus_consistency";

/** How long a browser keeps its token: far longer than any replica lags behind. */
const COOKIE_MAX_AGE_SECONDS = 24 * 60 * 60;
/** The cookie's attributes, written once: the same text hono's cookie `serialize` makes of them. */
const COOKIE_ATTRIBUTES = `; Max-Age=${COOKIE_MAX_AGE_SECONDS}; Path=/; HttpOnly`;

/** The token the client sent: the header (API clients) wins over the cookie (pages). */
export function readToken(c: Context): string | undefined {
  return c.req.header(CONSISTENCY_HEADER) || getCookie(c, CONSISTENCY_COOKIE) || undefined;
}

/**
 * Hands the client its token for the next request, on whichever node that lands: always in the
 * response header, and in a cookie unless the client manages the header itself. The cookie is
 * set only when the token `advanced`: the request wrote, or moved a token the client already
 * had. A read by a client without a token sets none, so that response stays shareable (a page
 * that sets a cookie is never cached for others, see nimbus/cache).
 */
export function writeToken(c: Context, token: string, advanced: boolean): void {
  setResponseHeader(c, CONSISTENCY_HEADER, token);
  if (!advanced || c.req.header(CONSISTENCY_HEADER)) return;
  if (getCookie(c, CONSISTENCY_COOKIE) === token) return;
  const secure = c.req.url.startsWith("https:") ? "; Secure" : "";
  const cookie = `${CONSISTENCY_COOKIE}=${encodeURIComponent(token)}${COOKIE_ATTRIBUTES}${secure}; SameSite=Lax`;
  setResponseHeader(c, "Set-Cookie", cookie, { append: true });
}
