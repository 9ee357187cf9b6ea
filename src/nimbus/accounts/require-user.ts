import type { MiddlewareHandler } from "hono";
import { type AnyNimbusEnv, nimbusVar } from "../env.ts";
import { currentUserId, USER_ID_KEY } from "./current-user.ts";
import { signInRequired } from "./sign-in-redirect.ts";

export interface RequireUserOptions {
  /** The session key that holds the signed-in user's id (default `userId`). */
  sessionKey?: string;
  /** Where HTML clients sign in (default `/session/new`); `?next=` brings them back. */
  signInPath?: string;
}

/**
 * Lets only signed-in users through: a session's user or an API token's (`currentUserId`).
 * Browsers (HTML) are redirected to the sign-in page with a same-origin `?next=` to come back
 * to; API clients (JSON) get 401 problem details. 401 means "who are you?"; a signed-in user
 * who may not do something gets 403 from the action itself (see `owner:` on resources).
 */
export function requireUser<E extends AnyNimbusEnv>(
  options: RequireUserOptions = {},
): MiddlewareHandler<E> {
  const key = options.sessionKey ?? USER_ID_KEY;
  return async (c, next) => {
    const signedIn =
      key === USER_ID_KEY
        ? currentUserId(c) !== undefined
        : nimbusVar(c, "session").get(key) != null;
    if (signedIn) return next();
    return signInRequired(c, { signInPath: options.signInPath });
  };
}
