import type { Context } from "hono";
import type { AnyNimbusEnv, NimbusVariables } from "../env.ts";

/** A user's id as an app stores it: an integer primary key or a text id. */
export type UserId = string | number;

/** The session key that holds the signed-in user's id: the convention sign-in pages follow. */
export const USER_ID_KEY = "userId";

/**
 * Who is making this request: the user an API token named (`apiTokenAuth`, `setCurrentUser`),
 * else the user signed in to the session (`session.get("userId")`), else undefined. Ownership
 * rules, `requireUser()` and the session expiry all ask this one function.
 */
export function currentUserId<E extends AnyNimbusEnv>(c: Context<E>): UserId | undefined {
  // c.get reads one variable; c.var would copy all of them into a new object on every call.
  const vars = c as unknown as Context<{ Variables: Partial<NimbusVariables> }>;
  const tokenUserId = vars.get("tokenUserId");
  if (tokenUserId != null) return tokenUserId;
  const id = vars.get("session")?.get(USER_ID_KEY);
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/**
 * Names the user this request acts for without a session: what a token check does once it
 * knows the token (`tokenAuth({ verify })` with a scheme of your own). Lasts for this request.
 */
export function setCurrentUser<E extends AnyNimbusEnv>(c: Context<E>, id: UserId): void {
  (c as unknown as Context<{ Variables: Pick<NimbusVariables, "tokenUserId"> }>).set(
    "tokenUserId",
    id,
  );
}

/** Two ids name the same user whether they came as 7 or "7" (a form, a JSON number, a column). */
export function sameUser(a: unknown, b: unknown): boolean {
  if (a == null || b == null) return false;
  return String(a) === String(b);
}
