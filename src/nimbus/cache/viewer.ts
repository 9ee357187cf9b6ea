/**
 * What may be shared between viewers: the one place that decides. Default safe.
 *
 * - A request is served from, and fills, the shared cache only when it comes from an anonymous
 *   viewer: no `Authorization` header, no user named for the request (`setCurrentUser`, API
 *   tokens), a session that holds nothing but its CSRF token, and no flash message waiting. Anyone else (signed in, a flash, any session data) gets
 *   a page rendered for them alone, never stored.
 * - A shared page is rendered with a stand-in session: empty, with a random placeholder for
 *   the CSRF token, so no viewer's data can reach it. Each viewer gets the page with their own
 *   token put in place of the placeholder.
 * - A rendered response is stored only if it is a 200, set no cookie, and left the stand-in
 *   session untouched (no flash, no value set). Anything else is answered to this viewer only.
 */
import type { Context } from "hono";
import type { NimbusEnv } from "../env.ts";
import { Session } from "../security/session.ts";

/** True when this request may be answered from, and stored into, the shared cache. */
export function shareable(c: Context<NimbusEnv>): boolean {
  if (c.req.header("Authorization") !== undefined) return false;
  // A user named some other way than the session (a token scheme of the app's own) is not anonymous.
  if (c.get("tokenUserId") != null) return false;
  const session = c.get("session");
  if (!session) return true;
  if (session.currentFlash) return false;
  for (const key of Object.keys(session.toJSON())) {
    if (key !== "csrf") return false;
  }
  return true;
}

/** The session a shared page is rendered with: no data, `placeholder` where the CSRF token goes. */
export function standInSession(placeholder: string): Session {
  return new Session({ csrf: placeholder });
}

/** True when `res`, rendered with `standIn`, may be served to other viewers. */
export function storable(res: Response, standIn: Session): boolean {
  return res.status === 200 && !res.headers.has("Set-Cookie") && !standIn.dirty;
}
