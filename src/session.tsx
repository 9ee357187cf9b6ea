import type { Context } from "hono";
import type { Session } from "nimbus-web";
import { type AppEnv, coord } from "./bindings.ts";
import { clientKey } from "./client.ts";
import { SignIn } from "./views/sign-in.tsx";

/** Sign-in attempts one client may make: 5 in any minute, whether right or wrong. */
export const SIGN_IN_LIMIT = { limit: 5, window: 60 };

export const isEditor = (session: Session) => session.get("role") === "editor";

/** Compares through SHA-256 digests: constant time, whatever the lengths. */
async function samePassword(given: string, expected: string): Promise<boolean> {
  const digest = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** `GET /session/new`: the form. */
export function signInPage(c: Context<AppEnv>) {
  return c.render(<SignIn csrf={c.var.session.csrfToken()} />, { title: "Sign in" });
}

/** `POST /session`: signs in as editor (rate-limited per client); `_method=DELETE` signs out. */
export async function signIn(c: Context<AppEnv>) {
  const body = await c.var.body();
  const field = (name: string) => {
    const value = body.data[name];
    return typeof value === "string" ? value : "";
  };
  const { session } = c.var;
  if (field("_method").toUpperCase() === "DELETE") {
    session.set("role", null);
    // A new id: the server-side session the old cookie named is deleted.
    session.regenerate();
    session.flash("Signed out.");
    return c.redirect("/links", 303);
  }
  const title = "Sign in";
  const limit = await coord(c).rateLimit(`sign-in:${clientKey(c)}`, SIGN_IN_LIMIT);
  if (!limit.allowed) {
    c.header("Retry-After", String(limit.retryAfter));
    const alert = `Too many sign-in attempts: ${SIGN_IN_LIMIT.limit} a minute are allowed. Try again in ${limit.retryAfter} s.`;
    return c.render(<SignIn csrf={session.csrfToken()} alert={alert} />, { title, status: 429 });
  }
  const expected = c.env.EDITOR_PASSWORD;
  if (!expected) {
    const alert =
      "Signing in is off: EDITOR_PASSWORD is not set (wrangler secret put EDITOR_PASSWORD).";
    return c.render(<SignIn csrf={session.csrfToken()} alert={alert} />, { title, status: 403 });
  }
  if (!(await samePassword(field("password"), expected))) {
    const errors = { password: ["is not right"] };
    return c.render(<SignIn csrf={session.csrfToken()} errors={errors} />, { title, status: 422 });
  }
  session.set("role", "editor");
  // A new privilege, a new session id and CSRF token: those seen before signing in are worth nothing after.
  session.regenerate();
  session.set("csrf", crypto.randomUUID());
  session.flash("Signed in as editor.");
  return c.redirect("/links", 303);
}
