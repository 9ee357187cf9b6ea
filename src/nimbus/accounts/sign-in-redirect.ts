import type { Context } from "hono";
import { type AnyNimbusEnv, nimbusVar } from "../env.ts";
import { Unauthorized } from "../http/errors.ts";
import { safeReturnPath } from "../security/return-path.ts";

/** Where HTML clients sign in unless told otherwise. */
export const DEFAULT_SIGN_IN_PATH = "/session/new";

/**
 * The answer to a request that needs a signed-in user and has none (401 "who are you?"):
 * browsers are redirected (303) to `signInPath` with a same-origin `?next=` to come back to;
 * JSON clients get 401 problem details with a `WWW-Authenticate: Bearer` challenge (thrown).
 * `next` defaults to this URL for a GET; a form post can't be replayed, so it names a page.
 */
export function signInRequired<E extends AnyNimbusEnv>(
  c: Context<E>,
  options: { signInPath?: string | undefined; next?: string | undefined } = {},
): Response {
  if (nimbusVar(c, "format") === "json") {
    throw new Unauthorized("Sign in first: this needs a signed-in user.", { scheme: "Bearer" });
  }
  const signIn = options.signInPath ?? DEFAULT_SIGN_IN_PATH;
  const url = new URL(c.req.url);
  const wanted = options.next ?? (c.req.method === "GET" ? url.pathname + url.search : undefined);
  const back = safeReturnPath(wanted);
  return c.redirect(back ? `${signIn}?next=${encodeURIComponent(back)}` : signIn, 303);
}
