import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { report, say } from "../../progress.ts";
import type { Project } from "../../project.ts";
import { readManifest, writeManifest } from "../manifest.ts";
import { generateMigration, journalPath } from "../migration.ts";
import { modelNames } from "../names.ts";
import { addToSchema } from "../register.ts";
import { supportFile } from "../support.ts";
import { type PlannedFile, type WriteOptions, Writer } from "../writer.ts";
import * as handlers from "./handlers.ts";
import * as models from "./models.ts";
import * as support from "./support.ts";
import * as tests from "./tests.ts";
import * as views from "./views.ts";
import { type Wired, wireApp, wireWorker, wireWrangler } from "./wiring.ts";

/** The manifest's owner of every file this generator writes. */
export const OWNER = "Authentication";

/** The models it adds to models/schema.ts. */
const MODELS = ["User", "ApiToken", "PasswordReset", "EmailVerification"] as const;

/** User's required columns, for the manifest: a scaffold's `user:references` test inserts a user with them. */
const USER_FIELDS = ["email:string:required:unique", "passwordHash:string:required"];

/** Templates are written for an app in src/ with tests in test/: placed where this app keeps them. */
function planned(project: Project): { models: PlannedFile[]; rest: PlannedFile[] } {
  const app = relative(project.root, project.appDir);
  const test = relative(project.root, project.testDir);
  const at = (path: string) =>
    path.startsWith("src/") ? join(app, path.slice(4)) : join(test, path.slice(5));
  const file = (path: string, content: string, piece: PlannedFile["piece"]): PlannedFile => ({
    path: at(path),
    content,
    piece,
  });
  return {
    models: [
      file("src/models/user.ts", models.USER_MODEL, "model"),
      file("src/models/api-token.ts", models.API_TOKEN_MODEL, "model"),
      file("src/models/password-reset.ts", models.PASSWORD_RESET_MODEL, "model"),
      file("src/models/email-verification.ts", models.EMAIL_VERIFICATION_MODEL, "model"),
    ],
    rest: [
      file("src/accounts/env.ts", support.ENV, "resource"),
      file("src/accounts/current-user.ts", support.CURRENT_USER, "resource"),
      file("src/accounts/limits.ts", support.LIMITS, "resource"),
      file("src/accounts/mailer.ts", support.MAILER, "resource"),
      file("src/accounts/options.ts", support.APP_OPTIONS, "resource"),
      file("src/accounts/form.ts", support.FORM, "resource"),
      file("src/accounts/registration.tsx", handlers.REGISTRATION, "resource"),
      file("src/accounts/session.tsx", handlers.SESSION, "resource"),
      file("src/accounts/password-reset.tsx", handlers.PASSWORD_RESET, "resource"),
      file("src/accounts/email-verification.tsx", handlers.EMAIL_VERIFICATION, "resource"),
      file("src/accounts/account.tsx", handlers.ACCOUNT, "resource"),
      file("src/accounts/routes.ts", handlers.ROUTES, "resource"),
      file("src/views/accounts/alert.tsx", views.ALERT_VIEW, "views"),
      file("src/views/accounts/sign-up.tsx", views.SIGN_UP_VIEW, "views"),
      file("src/views/accounts/sign-in.tsx", views.SIGN_IN_VIEW, "views"),
      file("src/views/accounts/forgot-password.tsx", views.FORGOT_PASSWORD_VIEW, "views"),
      file("src/views/accounts/reset-password.tsx", views.RESET_PASSWORD_VIEW, "views"),
      file("src/views/accounts/account.tsx", views.ACCOUNT_VIEW, "views"),
      file("test/accounts.test.ts", tests.ACCOUNTS_TEST, "test"),
      file("test/support/accounts.ts", tests.ACCOUNTS_SUPPORT, "test"),
    ],
  };
}

/**
 * `nimbus generate authentication`: users, API tokens, password resets and email confirmations
 * (models and one migration), the pages (sign up, sign in and out, forgot and reset password,
 * confirm the address, the account with its API tokens), their tests, and the wiring: createApp's session options, the routes in
 * app.ts, nimbus/coord in worker.ts and wrangler.toml. Conflicts stop it before it writes;
 * a failure undoes everything it did.
 */
export async function generateAuthentication(
  project: Project,
  options: WriteOptions,
): Promise<void> {
  const manifest = readManifest(project.root);
  const writer = new Writer(project.root, manifest, options);
  const plan = planned(project);
  writer.check([...plan.models, ...plan.rest]);
  const app = relative(project.root, project.appDir);
  const manual: string[] = [];
  const wire = (path: string, edit: (text: string) => Wired) =>
    writer.edit(path, (text) => {
      const wired = edit(text);
      manual.push(...wired.manual);
      return wired.text;
    });
  try {
    for (const file of plan.models) writer.write(file, OWNER);
    for (const model of MODELS) {
      writer.edit(join(app, "models", "schema.ts"), (text) => addToSchema(text, modelNames(model)));
    }
    writer.remember(journalPath(project));
    const created = await generateMigration(project, "create_accounts");
    for (const path of created) writer.adopt(path, "migration", OWNER);
    if (created.length === 0)
      report("identical", relative(project.root, project.migrationsDir), "no schema change");
    for (const file of plan.rest) writer.write(file, OWNER);
    const browserSupport = join(relative(project.root, project.testDir), "support", "browser.ts");
    if (!existsSync(join(project.root, browserSupport)))
      writer.write({ path: browserSupport, content: supportFile(), piece: "support" }, "app");
    wire(join(app, "app.ts"), wireApp);
    wire(join(app, "worker.ts"), wireWorker);
    wire(relative(project.root, project.configPath), wireWrangler);
  } catch (error) {
    say("Undoing the changes of this run…");
    writer.rollback();
    throw error;
  }
  manifest.models.User ??= { fields: USER_FIELDS };
  writeManifest(project.root, manifest);
  for (const step of manual) say(`By hand: ${step}`);
  say(
    [
      "Accounts are in. Sign up at /registration/new, sign in at /session/new, your account at /account.",
      "In development, reset mails land in the outbox at /dev/outbox. In production set MAIL_URL,",
      "MAIL_FROM and `wrangler secret put MAIL_TOKEN`, or return your own Mailer from src/accounts/mailer.ts.",
      "Guard a route with `signedIn` (src/accounts/current-user.ts); run the new tests with `npm test`.",
    ].join("\n"),
  );
}
