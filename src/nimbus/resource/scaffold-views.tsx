import type { Column } from "drizzle-orm";
import { ButtonTo, Field, type FieldType, Form, humanize } from "../view/form.tsx";
import type {
  AnyModel,
  FormViewProps,
  IndexViewProps,
  ResourceViews,
  ShowViewProps,
} from "./types.ts";

const LONG_TEXT = /^(body|description|content|text|notes?|summary|bio)$/i;

/** The input a column gets when the app brings no form of its own. */
export function fieldTypeFor(name: string, column: Column | undefined): FieldType {
  switch (column?.dataType) {
    case "number":
      return "number";
    case "boolean":
      return "checkbox";
    case "date":
      return "datetime-local";
    default:
      if (LONG_TEXT.test(name)) return "textarea";
      return /url$/i.test(name) ? "url" : "text";
  }
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().replace("T", " ").slice(0, 16);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function Index<M extends AnyModel>({ records, page, model, names, paths }: IndexViewProps<M>) {
  const fields = model.fields as readonly string[];
  const next = new URLSearchParams(page.query);
  next.set("page", String(page.page + 1));
  const previous = new URLSearchParams(page.query);
  previous.set("page", String(page.page - 1));
  return (
    <>
      <h1>{names.title}</h1>
      <p>
        <a href={paths.new}>New {names.singular}</a>
      </p>
      {records.length === 0 ? (
        <p>No {names.plural} yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              {fields.map((f) => (
                <th>{humanize(f)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {records.map((record) => {
              const row = record as Record<string, unknown>;
              return (
                <tr>
                  {fields.map((f, i) => (
                    <td>
                      {i === 0 ? (
                        <a href={paths.show(row)}>{formatValue(row[f])}</a>
                      ) : (
                        formatValue(row[f])
                      )}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav class="actions">
        {page.page > 1 ? <a href={`${paths.index}?${previous}`}>Previous page</a> : null}
        {page.hasNext ? <a href={`${paths.index}?${next}`}>Next page</a> : null}
      </nav>
    </>
  );
}

function Show<M extends AnyModel>({
  record,
  model,
  names,
  paths,
  csrf,
  mayChange,
}: ShowViewProps<M>) {
  const row = record as Record<string, unknown>;
  return (
    <>
      <h1>
        {names.singularTitle} #{String(row.id)}
      </h1>
      <dl>
        {(model.fields as readonly string[]).map((f) => (
          <>
            <dt>{humanize(f)}</dt>
            <dd>{formatValue(row[f])}</dd>
          </>
        ))}
      </dl>
      <div class="actions">
        {mayChange(record) ? <a href={paths.edit(row)}>Edit</a> : null}
        <a href={paths.index}>Back to {names.plural}</a>
        {mayChange(record) ? (
          <ButtonTo action={paths.show(row)} method="delete" csrf={csrf}>
            Delete
          </ButtonTo>
        ) : null}
      </div>
    </>
  );
}

function FormPage<M extends AnyModel>({
  record,
  model,
  names,
  paths,
  csrf,
  values,
  errors,
  action,
  method,
}: FormViewProps<M>) {
  const row = record as Record<string, unknown> | undefined;
  return (
    <>
      <h1>{row ? `Edit ${names.singular}` : `New ${names.singular}`}</h1>
      <Form action={action} method={method} csrf={csrf} values={values} errors={errors}>
        {(model.fields as readonly string[]).map((f) => (
          <Field name={f} type={fieldTypeFor(f, model.columns[f])} />
        ))}
        <div class="actions">
          <button type="submit">
            {row ? `Update ${names.singular}` : `Create ${names.singular}`}
          </button>
          <a href={row ? paths.show(row) : paths.index}>Cancel</a>
        </div>
      </Form>
    </>
  );
}

/** Pages built from the model's fields, for resources declared without views of their own. */
export function scaffoldViews<M extends AnyModel>(): ResourceViews<M> {
  return { index: Index, show: Show, form: FormPage };
}
