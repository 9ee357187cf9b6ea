import type { Context, MiddlewareHandler } from "hono";
import type { AnyNimbusEnv } from "../env.ts";
import { Unauthorized } from "../http/errors.ts";

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(c: Pick<Context, "req">): string | undefined {
  const header = c.req.header("Authorization");
  const match = header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header) : null;
  return match?.[1];
}

const TOKEN_SCHEME = /^\s*(?:bearer|token)\s/i;

/**
 * True when the request is authenticated by a token (`Authorization: Bearer …` or `Token …`,
 * the schemes API tokens accept) rather than cookies. A page on another site can't attach an
 * Authorization header without a CORS preflight the app must allow, so such a request can't be
 * forged cross-site: the CSRF check lets it through.
 */
export function sentBearerToken(c: Pick<Context, "req">): boolean {
  const header = c.req.header("Authorization");
  return header !== undefined && TOKEN_SCHEME.test(header);
}

export interface TokenAuthOptions<E extends AnyNimbusEnv> {
  /** Checks the token; set what you know about the caller (`c.set("user", …)`) and return true, or false to refuse. */
  verify(token: string, c: Context<E>): boolean | Promise<boolean>;
  /** Named in the `WWW-Authenticate` challenge. */
  realm?: string;
}

/**
 * Requires `Authorization: Bearer <token>`: no token or a refused one is a 401 with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750).
 *
 * @example
 * app.use("/api/*", tokenAuth<AppEnv>({ verify: async (token, c) => { c.set("user", await userFor(token)); return true } }));
 */
export function tokenAuth<E extends AnyNimbusEnv>(
  options: TokenAuthOptions<E>,
): MiddlewareHandler<E> {
  const realm = options.realm;
  return async (c, next) => {
    const token = bearerToken(c);
    if (!token) {
      throw new Unauthorized("Send Authorization: Bearer <token>.", {
        ...(realm !== undefined && { realm }),
      });
    }
    if (!(await options.verify(token, c))) {
      throw new Unauthorized("The token is not valid.", {
        ...(realm !== undefined && { realm }),
        error: "invalid_token",
      });
    }
    await next();
  };
}
