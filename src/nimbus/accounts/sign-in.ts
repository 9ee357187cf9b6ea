import type { Context } from "hono";
import { type AnyNimbusEnv, nimbusVar } from "../env.ts";
import { USER_ID_KEY, type UserId } from "./current-user.ts";

function sessionOf<E extends AnyNimbusEnv>(c: Context<E>) {
  return nimbusVar(c, "session");
}

/**
 * Signs `userId` in on this client's session: a new session id (one planted before sign-in is
 * worth nothing after it), a new CSRF token, and the session's absolute and idle clocks
 * started afresh (`sessions: { maxAgeSeconds, idleSeconds }`).
 */
export function signIn<E extends AnyNimbusEnv>(c: Context<E>, userId: UserId): void {
  const session = sessionOf(c);
  session.regenerate();
  session.set(USER_ID_KEY, userId);
  session.set("csrf", crypto.randomUUID());
}

/** Signs out: every value of the session forgotten, under a new id; a saved cookie is worthless. */
export function signOut<E extends AnyNimbusEnv>(c: Context<E>): void {
  sessionOf(c).clear();
}

/**
 * Ends every server-side session `userId` has, on every device, this one included: call it
 * when the password changes (or is reset), then `signIn(c, userId)` to keep this device signed
 * in. Needs `sessions.store` (nimbus/coord's tracks users); returns how many sessions ended.
 */
export async function revokeUserSessions<E extends AnyNimbusEnv>(
  c: Context<E>,
  userId: UserId,
): Promise<number> {
  return await sessionOf(c).revokeUser(userId);
}
