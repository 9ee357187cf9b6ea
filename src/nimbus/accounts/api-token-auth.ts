import type { Context, MiddlewareHandler } from "hono";
import type { AnyNimbusEnv } from "../env.ts";
import { Unauthorized } from "../http/errors.ts";
import { hashApiToken, presentedApiToken } from "./api-token.ts";
import { setCurrentUser, type UserId } from "./current-user.ts";

export interface ApiTokenAuthOptions<E extends AnyNimbusEnv = AnyNimbusEnv> {
  /**
   * The user a token belongs to, looked up by its stored hash (`hashApiToken`): the tokens
   * table's `userId` for that hash, or null/undefined when there is none or it was revoked.
   * Update the token's "last used" time here if the app shows one.
   */
  userIdFor(
    hash: string,
    c: Context<E>,
  ): UserId | null | undefined | Promise<UserId | null | undefined>;
  /** Named in the `WWW-Authenticate` challenge. */
  realm?: string;
}

/**
 * API tokens as a way to sign in: a request with `Authorization: Bearer <token>` (or `Token
 * <token>`) acts as the token's user (`currentUserId(c)`), for `requireUser()` and ownership
 * rules alike. A request without the header passes on (the session may sign it in); one with
 * a token that is malformed or unknown is a 401 `invalid_token`, never a fall-back to cookies.
 *
 * Pass it as `createApp({ apiTokens })` so it runs before every route, or `app.use()` it before
 * `.resources(...)`.
 */
export function apiTokenAuth<E extends AnyNimbusEnv = AnyNimbusEnv>(
  options: ApiTokenAuthOptions<E>,
): MiddlewareHandler<E> {
  const challenge = {
    ...(options.realm !== undefined && { realm: options.realm }),
    error: "invalid_token" as const,
  };
  return async (c, next) => {
    const header = c.req.header("Authorization");
    if (header === undefined || !/^\s*(?:Bearer|Token)\b/i.test(header)) return next();
    const token = presentedApiToken(header);
    const userId = token ? await options.userIdFor(await hashApiToken(token), c) : undefined;
    if (userId == null) throw new Unauthorized("The API token is not valid.", challenge);
    setCurrentUser(c, userId);
    return next();
  };
}
