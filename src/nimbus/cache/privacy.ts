import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { PRIVATE } from "./http.ts";

/**
 * Keeps HTTP caches away from anything personal: a response that sets a cookie, or is sent to
 * a client with a session (its CSRF token, a sign-in), is `private` — `no-store` unless a cache
 * rule already made it `private, no-cache` with an ETag. `public` survives only on responses
 * that carry nothing of one viewer.
 */
export function privateByDefault(): MiddlewareHandler<NimbusEnv> {
  return async (c, next) => {
    await next();
    markPrivate(c);
  };
}

/** privateByDefault's work on the request's finished response (createApp's first middleware calls it). */
export function markPrivate(c: Context<NimbusEnv>): void {
  const session = c.get("session");
  const headers = c.res.headers;
  const personal =
    headers.has("Set-Cookie") || (session !== undefined && (session.dirty || !session.empty));
  if (!personal) return;
  const current = headers.get("Cache-Control");
  if (current && !/\bpublic\b/i.test(current)) return;
  const value = current ? PRIVATE : "private, no-store";
  try {
    headers.set("Cache-Control", value);
  } catch {
    // Immutable headers (a response passed through from fetch): copy it.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("Cache-Control", value);
  }
}
