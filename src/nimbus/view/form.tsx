import { type Child, createContext, type FC, useContext } from "hono/jsx";
import type { FieldErrors } from "../http/errors.ts";
import { humanize } from "../text/inflect.ts";

export { humanize };

interface FormState {
  values: Record<string, unknown>;
  errors: FieldErrors;
}

/** The state of no form: what a field outside any form (or in a form given nothing) reads. */
const NO_FORM: FormState = { values: {}, errors: {} };
const FormContext = createContext<FormState>(NO_FORM);

export interface FormProps {
  action: string;
  /** Browsers only send GET and POST; other methods travel in a hidden `_method` field. */
  method?: "get" | "post" | "put" | "patch" | "delete";
  /** The session's CSRF token (`c.var.session.csrfToken()`); every unsafe form needs it. */
  csrf: string;
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  children?: Child;
}

/** A form that carries the CSRF token and gives its fields the user's input and their errors. */
export const Form: FC<FormProps> = ({
  action,
  method = "post",
  csrf,
  values,
  errors,
  children,
}) => {
  const native = method === "get" ? "get" : "post";
  const form = (
    <form action={action} method={native}>
      <input type="hidden" name="_csrf" value={csrf} />
      {native === "post" && method !== "post" ? (
        <input type="hidden" name="_method" value={method.toUpperCase()} />
      ) : null}
      <ErrorSummary errors={errors ?? NO_FORM.errors} />
      {children}
    </form>
  );
  // A form given no values or errors, outside any other, would provide what its fields read
  // anyway: it skips the provider, which renders its subtree on its own (a list page has one
  // such form per row).
  if (values === undefined && errors === undefined && useContext(FormContext) === NO_FORM) {
    return form;
  }
  return (
    <FormContext.Provider value={{ values: values ?? {}, errors: errors ?? {} }}>
      {form}
    </FormContext.Provider>
  );
};

/** Every problem at the top of the form, so none hides behind a field the form doesn't show. */
const ErrorSummary: FC<{ errors: FieldErrors }> = ({ errors }) => {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert">
      <p>
        {entries.length === 1 ? "1 field needs" : `${entries.length} fields need`} your attention:
      </p>
      <ul>
        {entries.flatMap(([name, messages]) =>
          messages.map((message) => <li>{`${humanize(name)} ${message}`}</li>),
        )}
      </ul>
    </div>
  );
};

export type FieldType =
  | "text"
  | "textarea"
  | "url"
  | "email"
  | "number"
  | "checkbox"
  | "datetime-local"
  | "password";

export interface FieldProps {
  name: string;
  label?: string;
  type?: FieldType;
  required?: boolean;
}

function displayValue(value: unknown, type: FieldType): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date)
    return type === "datetime-local" ? value.toISOString().slice(0, 16) : value.toISOString();
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** One labelled input that shows what the user typed and, below it, what is wrong with it. */
export const Field: FC<FieldProps> = ({ name, label, type = "text", required }) => {
  const { values, errors } = useContext(FormContext);
  const messages = errors[name] ?? [];
  const id = `field-${name}`;
  const value = displayValue(values[name], type);
  const invalid = messages.length > 0 ? "true" : undefined;
  const control =
    type === "textarea" ? (
      <textarea id={id} name={name} rows={4} required={required} aria-invalid={invalid}>
        {value}
      </textarea>
    ) : type === "checkbox" ? (
      <>
        <input type="hidden" name={name} value="false" />
        <input
          id={id}
          type="checkbox"
          name={name}
          value="true"
          checked={values[name] === true}
          aria-invalid={invalid}
        />
      </>
    ) : (
      <input
        id={id}
        type={type}
        name={name}
        value={value}
        required={required}
        aria-invalid={invalid}
      />
    );
  return (
    <div class={messages.length > 0 ? "field field-error" : "field"}>
      <label for={id}>{label ?? humanize(name)}</label>
      {control}
      {messages.map((message) => (
        <p class="error">
          {label ?? humanize(name)} {message}
        </p>
      ))}
    </div>
  );
};

/** A button that sends a one-field form: the Rails `button_to`, e.g. a delete button. */
export const ButtonTo: FC<{
  action: string;
  method?: FormProps["method"];
  csrf: string;
  confirm?: string;
  children?: Child;
}> = ({ action, method = "post", csrf, confirm, children }) => (
  <Form action={action} method={method} csrf={csrf}>
    <button
      type="submit"
      onclick={confirm ? `return confirm(${JSON.stringify(confirm)})` : undefined}
    >
      {children}
    </button>
  </Form>
);
