import { Field, type FieldErrors, Form } from "nimbus-web";

interface SignInProps {
  csrf: string;
  errors?: FieldErrors;
  /** Shown above the form: the rate limit's message, or why signing in is off. */
  alert?: string | undefined;
}

/** "Sign in as editor": one password field. */
export function SignIn({ csrf, errors = {}, alert }: SignInProps) {
  return (
    <>
      <h1>Sign in as editor</h1>
      <p>Editors are marked in the header. Anyone may still submit, edit and delete links.</p>
      {alert ? (
        <p class="flash flash-alert" role="alert">
          {alert}
        </p>
      ) : null}
      <Form action="/session" csrf={csrf} errors={errors}>
        <Field name="password" label="Editor password" type="password" required />
        <button type="submit">Sign in</button>
      </Form>
    </>
  );
}
