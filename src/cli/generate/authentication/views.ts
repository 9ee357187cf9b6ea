// Written by `nimbus generate authentication`: The account pages' views: files of the app's to restyle.
// Each constant is one file of the app, as biome formats it.

/** src/views/accounts/alert.tsx */
export const ALERT_VIEW = `/** A message above a form: a refused attempt, a rate limit, mail that can't be sent. */
export function Alert({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <p class="flash flash-alert" role="alert">
      {message}
    </p>
  );
}
`;

/** src/views/accounts/sign-up.tsx */
export const SIGN_UP_VIEW = `import { Field, type FieldErrors, Form } from "nimbus-web";
import { Alert } from "./alert.tsx";

interface SignUpProps {
  csrf: string;
  email?: string;
  next?: string | null;
  errors?: FieldErrors;
  alert?: string;
}

export function SignUp({ csrf, email = "", next, errors = {}, alert }: SignUpProps) {
  return (
    <>
      <h1>Sign up</h1>
      <Alert message={alert} />
      <Form action="/registration" csrf={csrf} values={{ email }} errors={errors}>
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field name="email" type="email" required />
        <Field name="password" type="password" required />
        <div class="actions">
          <button type="submit">Sign up</button>
          <a href="/session/new">Sign in instead</a>
        </div>
      </Form>
    </>
  );
}
`;

/** src/views/accounts/sign-in.tsx */
export const SIGN_IN_VIEW = `import { Field, Form } from "nimbus-web";
import { Alert } from "./alert.tsx";

interface SignInProps {
  csrf: string;
  email?: string;
  next?: string | null;
  alert?: string;
}

export function SignIn({ csrf, email = "", next, alert }: SignInProps) {
  return (
    <>
      <h1>Sign in</h1>
      <Alert message={alert} />
      <Form action="/session" csrf={csrf} values={{ email }}>
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field name="email" type="email" required />
        <Field name="password" type="password" required />
        <div class="actions">
          <button type="submit">Sign in</button>
          <a href="/registration/new">Sign up</a>
          <a href="/password/reset/new">Forgot your password?</a>
        </div>
      </Form>
    </>
  );
}
`;

/** src/views/accounts/forgot-password.tsx */
export const FORGOT_PASSWORD_VIEW = `import { Field, Form } from "nimbus-web";
import { Alert } from "./alert.tsx";

export function ForgotPassword({ csrf, alert }: { csrf: string; alert?: string }) {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p>We will mail you a link to choose a new one.</p>
      <Alert message={alert} />
      <Form action="/password/reset" csrf={csrf}>
        <Field name="email" type="email" required />
        <div class="actions">
          <button type="submit">Mail me a link</button>
          <a href="/session/new">Back to sign in</a>
        </div>
      </Form>
    </>
  );
}
`;

/** src/views/accounts/reset-password.tsx */
export const RESET_PASSWORD_VIEW = `import { Field, type FieldErrors, Form } from "nimbus-web";

interface ResetPasswordProps {
  csrf: string;
  /** The form's own address: the link's token is in it. */
  action: string;
  errors?: FieldErrors;
}

export function ResetPassword({ csrf, action, errors = {} }: ResetPasswordProps) {
  return (
    <>
      <h1>Choose a new password</h1>
      <Form action={action} csrf={csrf} errors={errors}>
        <Field name="password" label="New password" type="password" required />
        <div class="actions">
          <button type="submit">Change my password</button>
        </div>
      </Form>
    </>
  );
}

/** An unknown, used or expired link. */
export function ResetLinkInvalid() {
  return (
    <>
      <h1>This link no longer works</h1>
      <p>
        A reset link works once, for an hour. <a href="/password/reset/new">Ask for a new one</a>.
      </p>
    </>
  );
}
`;

/** src/views/accounts/account.tsx */
export const ACCOUNT_VIEW = `import { ButtonTo, Field, type FieldErrors, Form, formatValue } from "nimbus-web";
import type { Account } from "../../accounts/current-user.ts";
import type { apiTokens } from "../../models/api-token.ts";

type ApiToken = typeof apiTokens.$inferSelect;

interface AccountPageProps {
  user: Account;
  tokens: ApiToken[];
  csrf: string;
  /** A token just created: shown this once, never stored. */
  created?: { name: string; token: string } | undefined;
  errors?: FieldErrors;
}

export function AccountPage({ user, tokens, csrf, created, errors = {} }: AccountPageProps) {
  return (
    <>
      <h1>Your account</h1>
      <p>Signed in as {user.email}.</p>
      {user.emailVerifiedAt ? (
        <p class="verified">Your email address is confirmed.</p>
      ) : (
        <ButtonTo action="/email/verification" csrf={csrf}>
          Mail me a confirmation link
        </ButtonTo>
      )}
      <ButtonTo action="/session" method="delete" csrf={csrf}>
        Sign out
      </ButtonTo>

      <h2>API tokens</h2>
      <p>
        For scripts and other programs: send <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      {created ? (
        <p class="flash flash-notice" role="status">
          Your new token “{created.name}”: <code class="token">{created.token}</code> Copy it now:
          it will not be shown again.
        </p>
      ) : null}
      {tokens.length === 0 ? (
        <p>No tokens yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Ends in</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr>
                <td>{token.name}</td>
                <td>…{token.hint}</td>
                <td>{formatValue(token.createdAt)}</td>
                <td>{token.lastUsedAt ? formatValue(token.lastUsedAt) : "never"}</td>
                <td>
                  <ButtonTo action={\`/account/tokens/\${token.id}\`} method="delete" csrf={csrf}>
                    Revoke
                  </ButtonTo>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Form action="/account/tokens" csrf={csrf} errors={errors}>
        <Field name="name" label="Token name" required />
        <button type="submit">Create a token</button>
      </Form>

      <h2>Password</h2>
      <Form action="/account/password" csrf={csrf} errors={errors}>
        <Field name="currentPassword" label="Current password" type="password" required />
        <Field name="password" label="New password" type="password" required />
        <button type="submit">Change password</button>
      </Form>
    </>
  );
}
`;
