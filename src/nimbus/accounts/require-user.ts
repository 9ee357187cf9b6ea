import type { MiddlewareHandler } from "hono";
import type { AnyNimbusEnv, NimbusVariables } from "../env.ts";
import { Unauthorized } from "../http/errors.ts";
import { safeReturnPath } from "../security/return-path.ts";

export interface RequireUserOptions {
  /** The session key that holds the signed-in user's id (default `userId`). */
  sessionKey?: string;
  /** Where HTML clients sign in (default `/session/new`); `?next=` brings them back. */
  signInPath?: string;
}

/**
 * Lets only signed-in users through. Browsers (HTML) are redirected to the sign-in page with a
 * same-origin `?next=` to come back to; API clients (JSON) get 401 problem details. 401 means
 * "who are you?"; a signed-in user who may not do something gets 403 from the action itself.
 */
export function requireUser<E extends AnyNimbusEnv>(
  options: RequireUserOptions = {},
): MiddlewareHandler<E> {
  const key = options.sessionKey ?? "userId";
  const signIn = options.signInPath ?? "/session/new";
  return async (c, next) => {
    const vars = c.var as NimbusVariables;
    if (vars.session.get(key) != null) return next();
    if (vars.format === "json") {
      throw new Unauthorized("Sign in first: this needs a signed-in user.", { scheme: "Bearer" });
    }
    const url = new URL(c.req.url);
    const back = safeReturnPath(url.pathname + url.search);
    const target =
      back && c.req.method === "GET" ? `${signIn}?next=${encodeURIComponent(back)}` : signIn;
    return c.redirect(target, 303);
  };
}
