// Written by `nimbus generate authentication`: What every account page uses: who is signed in, rate limits, mail, form fields, createApp's options.
// Each constant is one file of the app, as biome formats it.

/** src/accounts/env.ts */
export const ENV = `import type { MailBindings, NimbusEnv } from "nimbus-web";
import type { CoordBindings } from "nimbus-web/coord";

/** What the account pages need of the app: nimbus/coord (sessions, rate limits) and the mail settings. */
export type AccountsEnv = NimbusEnv<CoordBindings & MailBindings>;
`;

/** src/accounts/current-user.ts */
export const CURRENT_USER = `import type { Context, MiddlewareHandler } from "hono";
import { currentUserId, eq, signInRequired, signOut, Unauthorized } from "nimbus-web";
import { users } from "../models/user.ts";
import type { AccountsEnv } from "./env.ts";

export type Account = typeof users.$inferSelect;

const known = new WeakMap<Context, Account | null>();

/**
 * The signed-in user's row: the user of the request's API token, else the session's; null for
 * neither. A session whose user was deleted is signed out.
 */
export async function currentUser(c: Context<AccountsEnv>): Promise<Account | null> {
  if (known.has(c)) return known.get(c) ?? null;
  const id = Number(currentUserId(c));
  const user = Number.isSafeInteger(id)
    ? ((await c.var.db.select().from(users).where(eq(users.id, id)).get()) ?? null)
    : null;
  if (!user && c.var.session.get("userId") != null) signOut(c);
  known.set(c, user);
  return user;
}

/** The signed-in user of a route behind \`signedIn\`. */
export async function signedInUser(c: Context<AccountsEnv>): Promise<Account> {
  const user = await currentUser(c);
  if (!user) throw new Unauthorized("Sign in first: this needs a signed-in user.");
  return user;
}

/** Lets signed-in users through: browsers go to /session/new?next=…, API clients get a 401. */
export const signedIn: MiddlewareHandler<AccountsEnv> = async (c, next) => {
  if (await currentUser(c)) return next();
  return signInRequired(c);
};
`;

/** src/accounts/limits.ts */
export const LIMITS = `import type { Context } from "hono";
import { clientAddress } from "nimbus-web";
import { coordination } from "nimbus-web/coord";
import type { AccountsEnv } from "./env.ts";

/** Attempts allowed per client address (and per email, for sign-in) in any \`window\` seconds. */
export const LIMITS = {
  signIn: { limit: 5, window: 60 },
  signInFromAddress: { limit: 30, window: 600 },
  signUp: { limit: 10, window: 3600 },
  reset: { limit: 5, window: 900 },
  verify: { limit: 5, window: 3600 },
} as const;

/**
 * Counts one attempt; null when it may go on, else the seconds to wait (Retry-After is set).
 * Keyed on \`clientAddress(c)\`, which only Cloudflare or a trusted gateway can state.
 */
export async function tooMany(
  c: Context<AccountsEnv>,
  name: keyof typeof LIMITS,
  ...parts: string[]
): Promise<number | null> {
  const key = [name, clientAddress(c) ?? "unknown", ...parts].join(" ");
  const result = await coordination(c.env).rateLimit(key, LIMITS[name]);
  if (result.allowed) return null;
  c.header("Retry-After", String(result.retryAfter));
  return result.retryAfter;
}

/** What a refused attempt shows. */
export function waitMessage(seconds: number): string {
  return \`Too many attempts. Try again in \${seconds} s.\`;
}
`;

/** src/accounts/mailer.ts */
export const MAILER = `import type { Context } from "hono";
import { type Mailer, mailerFromEnv } from "nimbus-web";

/**
 * The app's mailer: MAIL_URL (+ MAIL_TOKEN, MAIL_FROM) posts each mail to an HTTP endpoint; in
 * development the outbox at /dev/outbox keeps them. Return your own Mailer here to send another
 * way (Cloudflare's email binding, an SMTP relay's API): see nimbus-web's accounts README.
 */
export function mailer(c: Context): Mailer {
  return mailerFromEnv(c);
}
`;

/** src/accounts/options.ts */
export const APP_OPTIONS = `import { type AppOptions, and, eq, isNull } from "nimbus-web";
import { type CoordBindings, coordination } from "nimbus-web/coord";
import { apiTokens } from "../models/api-token.ts";

/** A token's last use is written at most once a minute: not a write per API request. */
const LAST_USED_EVERY_MS = 60_000;

/** createApp's options for accounts: where signed-in sessions live, and API tokens. */
export const withAccounts: AppOptions = {
  // Signed-in users' sessions live in nimbus/coord, so signing out or changing the password
  // really ends them (a saved cookie names nothing afterwards); visitors keep a signed cookie.
  sessions: {
    store: (c) => coordination(c.env as CoordBindings).sessions,
    serverSide: (data) => data.userId != null,
  },
  // \`Authorization: Bearer <token>\` signs a request in as the token's user (unless revoked).
  apiTokens: {
    async userIdFor(hash, c) {
      const { db } = c.var;
      const token = await db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)))
        .get();
      if (!token) return null;
      if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
        await db
          .update(apiTokens)
          .set({ lastUsedAt: new Date() })
          .where(eq(apiTokens.id, token.id));
      }
      return token.userId;
    },
  },
};
`;

/** src/accounts/form.ts */
export const FORM = `import type { ParsedBody } from "nimbus-web";
import { MAX_PASSWORD_LENGTH } from "nimbus-web";

/** A text field of the body ("" when absent or not text). */
export function field(body: ParsedBody, name: string): string {
  const value = body.data[name];
  return typeof value === "string" ? value : "";
}

/** Emails compare lower-case and trimmed: one account per address, whatever its case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const MIN_PASSWORD_LENGTH = 8;

/** What is wrong with a new password, if anything. */
export function passwordProblems(password: string): string[] {
  if (password.length < MIN_PASSWORD_LENGTH)
    return [\`must be at least \${MIN_PASSWORD_LENGTH} characters\`];
  if (password.length > MAX_PASSWORD_LENGTH)
    return [\`must be at most \${MAX_PASSWORD_LENGTH} characters\`];
  return [];
}

/** A plausible address: one @, something before it, a dot after it, at most 255 characters. */
export function emailProblems(email: string): string[] {
  if (!/^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/.test(email)) return ["is not an email address"];
  return email.length > 255 ? ["must be at most 255 characters"] : [];
}
`;
