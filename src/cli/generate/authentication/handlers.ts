// Written by `nimbus generate authentication`: The account pages' handlers and the routes that mount them.
// Each constant is one file of the app, as biome formats it.

/** src/accounts/registration.tsx */
export const REGISTRATION = `import type { Context } from "hono";
import {
  type FieldErrors,
  hashPassword,
  safeReturnPath,
  signIn,
  ValidationFailed,
  withUniqueErrors,
} from "nimbus-web";
import { User, users } from "../models/user.ts";
import { SignUp } from "../views/accounts/sign-up.tsx";
import { sendVerification } from "./email-verification.tsx";
import type { AccountsEnv } from "./env.ts";
import { emailProblems, field, normalizeEmail, passwordProblems } from "./form.ts";
import { tooMany, waitMessage } from "./limits.ts";

const title = "Sign up";

/** \`GET /registration/new\`: the sign-up form. */
export function signUpPage(c: Context<AccountsEnv>) {
  const next = safeReturnPath(c.req.query("next"));
  return c.render(<SignUp csrf={c.var.session.csrfToken()} next={next} />, { title });
}

/** \`POST /registration\`: creates the account and signs it in. */
export async function signUp(c: Context<AccountsEnv>) {
  const body = await c.var.body();
  const email = normalizeEmail(field(body, "email"));
  const password = field(body, "password");
  const next = safeReturnPath(field(body, "next"));
  const csrf = c.var.session.csrfToken();
  const wait = await tooMany(c, "signUp");
  if (wait !== null) {
    const page = <SignUp csrf={csrf} email={email} next={next} alert={waitMessage(wait)} />;
    return c.render(page, { title, status: 429 });
  }
  const errors: FieldErrors = {};
  const emailErrors = emailProblems(email);
  const passwordErrors = passwordProblems(password);
  if (emailErrors.length > 0) errors.email = emailErrors;
  if (passwordErrors.length > 0) errors.password = passwordErrors;
  if (Object.keys(errors).length > 0) {
    const page = <SignUp csrf={csrf} email={email} next={next} errors={errors} />;
    return c.render(page, { title, status: 422 });
  }
  const passwordHash = await hashPassword(password);
  let user: typeof users.$inferSelect;
  try {
    user = await withUniqueErrors(User, () =>
      c.var.db.insert(users).values({ email, passwordHash }).returning().get(),
    );
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    const page = <SignUp csrf={csrf} email={email} next={next} errors={error.fields} />;
    return c.render(page, { title, status: 422 });
  }
  signIn(c, user.id);
  // Optional: without a mailer the account works all the same, unconfirmed.
  await sendVerification(c, user);
  c.var.session.flash("Welcome! Your account is ready.");
  return c.redirect(next ?? "/", 303);
}
`;

/** src/accounts/session.tsx */
export const SESSION = `import type { Context } from "hono";
import { eq, hashPassword, safeReturnPath, signIn, signOut, verifyPassword } from "nimbus-web";
import { users } from "../models/user.ts";
import { SignIn } from "../views/accounts/sign-in.tsx";
import type { AccountsEnv } from "./env.ts";
import { field, normalizeEmail } from "./form.ts";
import { tooMany, waitMessage } from "./limits.ts";

const title = "Sign in";

/** \`GET /session/new\`: the sign-in form (\`requireUser\` sends browsers here with \`?next=\`). */
export function signInPage(c: Context<AccountsEnv>) {
  const next = safeReturnPath(c.req.query("next"));
  return c.render(<SignIn csrf={c.var.session.csrfToken()} next={next} />, { title });
}

/** \`POST /session\`: signs in (a form's \`_method=DELETE\` signs out). */
export async function createSession(c: Context<AccountsEnv>) {
  const body = await c.var.body();
  if (field(body, "_method").toUpperCase() === "DELETE") return destroySession(c);
  const email = normalizeEmail(field(body, "email"));
  const password = field(body, "password");
  const next = safeReturnPath(field(body, "next"));
  const csrf = c.var.session.csrfToken();
  const wait = (await tooMany(c, "signIn", email)) ?? (await tooMany(c, "signInFromAddress"));
  if (wait !== null) {
    const page = <SignIn csrf={csrf} email={email} next={next} alert={waitMessage(wait)} />;
    return c.render(page, { title, status: 429 });
  }
  const { db } = c.var;
  const user = await db.select().from(users).where(eq(users.email, email)).get();
  // Checked against an empty hash when there is no such user: the same work, the same time.
  const check = await verifyPassword(password, user?.passwordHash ?? "");
  if (!user || !check.ok) {
    const alert = "That email and password do not match an account.";
    const page = <SignIn csrf={csrf} email={email} next={next} alert={alert} />;
    return c.render(page, { title, status: 422 });
  }
  if (check.needsRehash) {
    const passwordHash = await hashPassword(password);
    await db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  }
  signIn(c, user.id);
  c.var.session.flash("Signed in.");
  return c.redirect(next ?? "/", 303);
}

/** \`DELETE /session\`: signs out; the session's stored data is deleted. */
export function destroySession(c: Context<AccountsEnv>) {
  signOut(c);
  c.var.session.flash("Signed out.");
  return c.redirect("/", 303);
}
`;

/** src/accounts/password-reset.tsx */
export const PASSWORD_RESET = `import type { Context } from "hono";
import {
  and,
  createApiToken,
  eq,
  gt,
  hashApiToken,
  hashPassword,
  isNull,
  type Mailer,
  MailNotConfigured,
  requestOrigin,
  revokeUserSessions,
} from "nimbus-web";
import { passwordResets } from "../models/password-reset.ts";
import { users } from "../models/user.ts";
import { ForgotPassword } from "../views/accounts/forgot-password.tsx";
import { ResetLinkInvalid, ResetPassword } from "../views/accounts/reset-password.tsx";
import type { AccountsEnv } from "./env.ts";
import { field, normalizeEmail, passwordProblems } from "./form.ts";
import { tooMany, waitMessage } from "./limits.ts";
import { mailer } from "./mailer.ts";

/** How long a reset link works. */
export const RESET_LINK_MINUTES = 60;

const title = "Reset your password";

/** \`GET /password/reset/new\`: asks for the address to mail a link to. */
export function forgotPasswordPage(c: Context<AccountsEnv>) {
  return c.render(<ForgotPassword csrf={c.var.session.csrfToken()} />, { title });
}

/**
 * \`POST /password/reset\`: mails a reset link if the address has an account. The answer is the
 * same either way, and the mail goes after it, so neither tells who has an account.
 */
export async function requestPasswordReset(c: Context<AccountsEnv>) {
  const body = await c.var.body();
  const csrf = c.var.session.csrfToken();
  const wait = await tooMany(c, "reset");
  if (wait !== null) {
    return c.render(<ForgotPassword csrf={csrf} alert={waitMessage(wait)} />, {
      title,
      status: 429,
    });
  }
  let mail: Mailer;
  try {
    mail = mailer(c);
  } catch (error) {
    if (!(error instanceof MailNotConfigured)) throw error;
    console.error(error.message);
    const alert =
      "Password resets are unavailable: this site cannot send mail yet. Please tell its operator.";
    return c.render(<ForgotPassword csrf={csrf} alert={alert} />, { title, status: 503 });
  }
  const { db } = c.var;
  const user = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(field(body, "email"))))
    .get();
  if (user) {
    const { token, hash } = await createApiToken();
    const expiresAt = new Date(Date.now() + RESET_LINK_MINUTES * 60_000);
    await db.insert(passwordResets).values({ userId: user.id, tokenHash: hash, expiresAt });
    const link = \`\${requestOrigin(c)}/password/reset/\${token}\`;
    const text = \`Someone asked to reset the password of your account (\${user.email}).\\n\\nChoose a new password here, within \${RESET_LINK_MINUTES} minutes:\\n\${link}\\n\\nIf it was not you, ignore this mail: your password stays as it is.\\n\`;
    await c.var.defer(
      () => mail.send({ to: user.email, subject: "Reset your password", text }),
      "password reset mail",
    );
  }
  c.var.session.flash(
    "If an account has that address, a link to reset its password is on its way.",
  );
  return c.redirect("/session/new", 303);
}

/** The reset a link's token names, if it is unused and unexpired. */
async function usableReset(c: Context<AccountsEnv>, token: string) {
  return c.var.db
    .select()
    .from(passwordResets)
    .where(
      and(
        eq(passwordResets.tokenHash, await hashApiToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, new Date()),
      ),
    )
    .get();
}

function invalidLink(c: Context<AccountsEnv>) {
  return c.render(<ResetLinkInvalid />, { title, status: 404 });
}

/** \`GET /password/reset/:token\`: the new-password form of a mailed link. */
export async function resetPasswordPage(c: Context<AccountsEnv>) {
  const token = c.req.param("token") ?? "";
  if (!(await usableReset(c, token))) return invalidLink(c);
  const action = \`/password/reset/\${encodeURIComponent(token)}\`;
  return c.render(<ResetPassword csrf={c.var.session.csrfToken()} action={action} />, { title });
}

/** \`POST /password/reset/:token\`: sets the new password once; every session of the user ends. */
export async function resetPassword(c: Context<AccountsEnv>) {
  const token = c.req.param("token") ?? "";
  const body = await c.var.body();
  const password = field(body, "password");
  const problems = passwordProblems(password);
  if (problems.length > 0) {
    if (!(await usableReset(c, token))) return invalidLink(c);
    const action = \`/password/reset/\${encodeURIComponent(token)}\`;
    const page = (
      <ResetPassword
        csrf={c.var.session.csrfToken()}
        action={action}
        errors={{ password: problems }}
      />
    );
    return c.render(page, { title, status: 422 });
  }
  const { db } = c.var;
  const now = new Date();
  // Used in the same statement that finds it: two submissions of one link can't both pass.
  const reset = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(
        eq(passwordResets.tokenHash, await hashApiToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now),
      ),
    )
    .returning()
    .get();
  if (!reset) return invalidLink(c);
  const passwordHash = await hashPassword(password);
  await db.update(users).set({ passwordHash }).where(eq(users.id, reset.userId));
  // Whoever had the old password (or a session from it) is signed out everywhere.
  await revokeUserSessions(c, reset.userId);
  // The user's other links stop working too.
  await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt)));
  c.var.session.flash("Your password was changed. Sign in with it.");
  return c.redirect("/session/new", 303);
}
`;

/** src/accounts/email-verification.tsx */
export const EMAIL_VERIFICATION = `import type { Context } from "hono";
import {
  and,
  createApiToken,
  eq,
  gt,
  hashApiToken,
  isNull,
  MailNotConfigured,
  requestOrigin,
} from "nimbus-web";
import { emailVerifications } from "../models/email-verification.ts";
import { users } from "../models/user.ts";
import { type Account, signedInUser } from "./current-user.ts";
import type { AccountsEnv } from "./env.ts";
import { tooMany, waitMessage } from "./limits.ts";
import { mailer } from "./mailer.ts";

/** How long a confirmation link works. */
export const VERIFY_LINK_HOURS = 24;

/**
 * Mails \`user\` a link that confirms their address. Optional: an app without a mailer signs
 * users up all the same (their \`emailVerifiedAt\` stays empty); false when nothing was sent.
 */
export async function sendVerification(c: Context<AccountsEnv>, user: Account): Promise<boolean> {
  let mail: ReturnType<typeof mailer>;
  try {
    mail = mailer(c);
  } catch (error) {
    if (error instanceof MailNotConfigured) return false;
    throw error;
  }
  const { token, hash } = await createApiToken();
  const expiresAt = new Date(Date.now() + VERIFY_LINK_HOURS * 3_600_000);
  await c.var.db.insert(emailVerifications).values({ userId: user.id, tokenHash: hash, expiresAt });
  const link = \`\${requestOrigin(c)}/email/verify/\${token}\`;
  const text = \`Confirm that \${user.email} is your address, within \${VERIFY_LINK_HOURS} hours:\\n\${link}\\n\\nIf you did not sign up, ignore this mail.\\n\`;
  await c.var.defer(
    () => mail.send({ to: user.email, subject: "Confirm your email address", text }),
    "email verification mail",
  );
  return true;
}

/** \`GET /email/verify/:token\`: the mailed link marks the address confirmed (once). */
export async function verifyEmail(c: Context<AccountsEnv>) {
  const { db } = c.var;
  const now = new Date();
  const token = c.req.param("token") ?? "";
  const used = await db
    .update(emailVerifications)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailVerifications.tokenHash, await hashApiToken(token)),
        isNull(emailVerifications.usedAt),
        gt(emailVerifications.expiresAt, now),
      ),
    )
    .returning()
    .get();
  if (!used) {
    c.var.session.flash("That confirmation link no longer works: ask for a new one.", "alert");
    return c.redirect("/account", 303);
  }
  await db.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, used.userId));
  c.var.session.flash("Your email address is confirmed.");
  return c.redirect("/account", 303);
}

/** \`POST /email/verification\`: mails the signed-in user a new confirmation link. */
export async function resendVerification(c: Context<AccountsEnv>) {
  const user = await signedInUser(c);
  const wait = await tooMany(c, "verify", String(user.id));
  if (wait !== null) {
    c.var.session.flash(waitMessage(wait), "alert");
  } else if (user.emailVerifiedAt) {
    c.var.session.flash("Your email address is already confirmed.");
  } else if (await sendVerification(c, user)) {
    c.var.session.flash(\`A confirmation link is on its way to \${user.email}.\`);
  } else {
    c.var.session.flash("This site cannot send mail yet.", "alert");
  }
  return c.redirect("/account", 303);
}
`;

/** src/accounts/account.tsx */
export const ACCOUNT = `import type { Context } from "hono";
import {
  and,
  createApiToken,
  desc,
  eq,
  type FieldErrors,
  hashPassword,
  isNull,
  NotFound,
  revokeUserSessions,
  signIn,
  verifyPassword,
} from "nimbus-web";
import { apiTokens } from "../models/api-token.ts";
import { users } from "../models/user.ts";
import { AccountPage } from "../views/accounts/account.tsx";
import { type Account, signedInUser } from "./current-user.ts";
import type { AccountsEnv } from "./env.ts";
import { field, passwordProblems } from "./form.ts";
import { tooMany, waitMessage } from "./limits.ts";

const title = "Your account";

function liveTokens(c: Context<AccountsEnv>, user: Account) {
  return c.var.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.id))
    .all();
}

async function renderAccount(
  c: Context<AccountsEnv>,
  user: Account,
  extra: {
    created?: { name: string; token: string };
    errors?: FieldErrors;
    status?: 201 | 422 | 429;
  } = {},
) {
  const tokens = await liveTokens(c, user);
  const { created, errors, status } = extra;
  const page = (
    <AccountPage
      user={user}
      tokens={tokens}
      csrf={c.var.session.csrfToken()}
      created={created}
      errors={errors}
    />
  );
  return c.render(page, { title, ...(status && { status }) });
}

/** \`GET /account\`: the account and its API tokens (JSON: who the token or session belongs to). */
export async function showAccount(c: Context<AccountsEnv>) {
  const user = await signedInUser(c);
  if (c.var.format === "json") {
    const tokens = (await liveTokens(c, user)).map(({ id, name, hint, createdAt, lastUsedAt }) => ({
      id,
      name,
      hint,
      createdAt,
      lastUsedAt,
    }));
    return c.json({ data: { id: user.id, email: user.email, createdAt: user.createdAt, tokens } });
  }
  return renderAccount(c, user);
}

/** \`POST /account/tokens\`: a new API token, shown in this answer only (only its hash is kept). */
export async function createToken(c: Context<AccountsEnv>) {
  const user = await signedInUser(c);
  const name = field(await c.var.body(), "name").trim();
  if (name.length === 0 || name.length > 100) {
    const errors = { name: [name ? "must be at most 100 characters" : "can't be blank"] };
    if (c.var.format === "json") return c.json({ errors }, 422);
    return renderAccount(c, user, { errors, status: 422 });
  }
  const { token, hash, hint } = await createApiToken();
  const row = await c.var.db
    .insert(apiTokens)
    .values({ userId: user.id, name, tokenHash: hash, hint })
    .returning({ id: apiTokens.id })
    .get();
  c.header("Cache-Control", "no-store");
  if (c.var.format === "json") return c.json({ data: { id: row.id, name, token } }, 201);
  return renderAccount(c, user, { created: { name, token }, status: 201 });
}

/** \`DELETE /account/tokens/:id\` (forms: POST with \`_method=DELETE\`): the token stops working. */
export async function revokeToken(c: Context<AccountsEnv>) {
  const user = await signedInUser(c);
  const id = Number(c.req.param("id"));
  const revoked = Number.isSafeInteger(id)
    ? await c.var.db
        .update(apiTokens)
        .set({ revokedAt: new Date() })
        .where(
          and(eq(apiTokens.id, id), eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)),
        )
        .returning({ id: apiTokens.id })
        .get()
    : undefined;
  if (!revoked) throw new NotFound("You have no such token.");
  if (c.var.format === "json") return c.body(null, 204);
  c.var.session.flash("The token was revoked.");
  return c.redirect("/account", 303);
}

/** \`POST /account/tokens/:id\`: what an HTML form sends for DELETE. */
export async function tokenFormAction(c: Context<AccountsEnv>) {
  const method = field(await c.var.body(), "_method").toUpperCase();
  if (method !== "DELETE") throw new NotFound();
  return revokeToken(c);
}

/** \`POST /account/password\`: changes the password; every other session of the user ends. */
export async function changePassword(c: Context<AccountsEnv>) {
  const user = await signedInUser(c);
  const body = await c.var.body();
  const wait = await tooMany(c, "signIn", user.email);
  if (wait !== null) {
    return renderAccount(c, user, {
      errors: { currentPassword: [waitMessage(wait)] },
      status: 429,
    });
  }
  const password = field(body, "password");
  const errors: FieldErrors = {};
  if (!(await verifyPassword(field(body, "currentPassword"), user.passwordHash)).ok)
    errors.currentPassword = ["is not right"];
  const problems = passwordProblems(password);
  if (problems.length > 0) errors.password = problems;
  if (Object.keys(errors).length > 0) return renderAccount(c, user, { errors, status: 422 });
  const passwordHash = await hashPassword(password);
  await c.var.db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  // Every session of the user ends, this one included; this one goes on under a new id.
  await revokeUserSessions(c, user.id);
  signIn(c, user.id);
  c.var.session.flash("Your password was changed. Your other sessions were signed out.");
  return c.redirect("/account", 303);
}
`;

/** src/accounts/routes.ts */
export const ROUTES = `import { Hono } from "hono";
import { devOutbox } from "nimbus-web";
import {
  changePassword,
  createToken,
  revokeToken,
  showAccount,
  tokenFormAction,
} from "./account.tsx";
import { signedIn } from "./current-user.ts";
import { resendVerification, verifyEmail } from "./email-verification.tsx";
import type { AccountsEnv } from "./env.ts";
import {
  forgotPasswordPage,
  requestPasswordReset,
  resetPassword,
  resetPasswordPage,
} from "./password-reset.tsx";
import { signUp, signUpPage } from "./registration.tsx";
import { createSession, destroySession, signInPage } from "./session.tsx";

/**
 * Sign up, sign in and out, password reset, the account page with API tokens, and the
 * development outbox. Mounted in app.ts by \`nimbus generate authentication\`.
 */
export const accounts = new Hono<AccountsEnv>()
  .get("/registration/new", signUpPage)
  .post("/registration", signUp)
  .get("/session/new", signInPage)
  .post("/session", createSession)
  .delete("/session", destroySession)
  .get("/password/reset/new", forgotPasswordPage)
  .post("/password/reset", requestPasswordReset)
  .get("/password/reset/:token", resetPasswordPage)
  .post("/password/reset/:token", resetPassword)
  .get("/email/verify/:token", verifyEmail)
  .use("/account", signedIn)
  .use("/account/*", signedIn)
  .get("/account", showAccount)
  .post("/account/tokens", createToken)
  .post("/account/tokens/:id", tokenFormAction)
  .delete("/account/tokens/:id", revokeToken)
  .post("/account/password", changePassword)
  .post("/email/verification", signedIn, resendVerification)
  // Development only (a 404 elsewhere): the mail the app "sent".
  .get("/dev/outbox", devOutbox);
`;
