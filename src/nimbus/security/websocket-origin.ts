import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { Forbidden } from "../http/errors.ts";
import { requestOrigin } from "./client-address.ts";

/**
 * Cross-site WebSocket hijacking: a WebSocket handshake is a GET that carries the victim's
 * cookies from any page, and browsers apply no CORS to it, so only its Origin tells who opened
 * it. An upgrade from another origin (or `Origin: null`) is refused; clients that are not
 * browsers send no Origin and are let through.
 */
export function webSocketOrigin(trustedOrigins: readonly string[]): MiddlewareHandler<NimbusEnv> {
  const guard = webSocketGuard(trustedOrigins);
  return async (c, next) => {
    guard(c);
    return next();
  };
}

/** webSocketOrigin's test as a plain function (throws the 403), for a middleware that runs several checks. */
export function webSocketGuard(trustedOrigins: readonly string[]): (c: Context<NimbusEnv>) => void {
  const trusted = new Set(trustedOrigins);
  return (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return;
    const origin = c.req.header("Origin");
    if (origin === undefined || trusted.has(origin)) return;
    let same = false;
    try {
      same = new URL(origin).origin === requestOrigin(c);
    } catch {
      same = false;
    }
    if (!same) {
      throw new Forbidden(
        `WebSocket connections from origin ${origin} are refused; only this site's pages may open one.`,
      );
    }
  };
}
