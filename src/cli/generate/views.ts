import type { FieldSpec } from "./fields.ts";
import { humanize, type ModelNames } from "./names.ts";

/** The three views a scaffold writes, each typed from the model like the demo's views. */
export interface ViewNames {
  list: string;
  page: string;
  form: string;
}

export function viewNames(names: ModelNames): ViewNames {
  return { list: `${names.model}List`, page: `${names.model}Page`, form: `${names.model}Form` };
}

export function viewFiles(names: ModelNames): Record<keyof ViewNames, string> {
  return {
    list: `${names.file}-list.tsx`,
    page: `${names.file}-page.tsx`,
    form: `${names.file}-form.tsx`,
  };
}

/** A component's first line, its props destructured on one line if it fits, else one a line (as biome does). */
function signature(component: string, props: readonly string[], type: string): string {
  const oneLine = `export function ${component}({ ${props.join(", ")} }: ${type}) {`;
  if (oneLine.length <= 100) return oneLine;
  return [
    `export function ${component}({`,
    ...props.map((prop) => `  ${prop},`),
    `}: ${type}) {`,
  ].join("\n");
}

/** Booleans, dates and JSON need formatValue ("yes", "2026-01-02 10:00"); text and numbers print as they are. */
function needsFormat(field: FieldSpec): boolean {
  return field.type === "boolean" || field.type === "datetime" || field.type === "json";
}

function shownValue(field: FieldSpec, record: string): string {
  return needsFormat(field)
    ? `{formatValue(${record}.${field.name})}`
    : `{${record}.${field.name}}`;
}

function inputType(field: FieldSpec): string | undefined {
  switch (field.type) {
    case "text":
    case "json":
      return "textarea";
    case "integer":
    case "references":
      return "number";
    case "boolean":
      return "checkbox";
    case "datetime":
      return "datetime-local";
    case "real":
      // A number input steps by 1 and would refuse 0.5; text lets any number through to validation.
      return undefined;
    case "string":
      if (/url$/i.test(field.name)) return "url";
      return /email$/i.test(field.name) ? "email" : undefined;
  }
}

/** Long values (text, JSON) stay on the record's page; the list shows the rest. */
function listed(fields: readonly FieldSpec[]): FieldSpec[] {
  const short = fields.filter((field) => field.type !== "text" && field.type !== "json");
  return short.length > 0 ? short : fields.slice(0, 1);
}

function importLine(names: readonly string[]): string {
  const plain = (name: string) => name.replace(/^type /, "");
  // Only types: `import type`, as biome's useImportType wants.
  if (names.every((name) => name.startsWith("type ")))
    return `import type { ${names.map(plain).sort().join(", ")} } from "nimbus-web";`;
  const sorted = [...names].sort((a, b) => plain(a).localeCompare(plain(b)));
  return `import { ${sorted.join(", ")} } from "nimbus-web";`;
}

export function listView(names: ModelNames, fields: readonly FieldSpec[]): string {
  const shown = listed(fields);
  const nimbus = ["type IndexViewProps", ...(shown.some(needsFormat) ? ["formatValue"] : [])];
  const v = names.variable;
  return `${importLine(nimbus)}
import type { ${names.model} } from "../models/${names.file}.ts";

${signature(`${names.model}List`, ["records", "page", "paths"], `IndexViewProps<typeof ${names.model}>`)}
  return (
    <>
      <h1>${humanize(names.humanPlural)}</h1>
      <p>
        <a href={paths.new}>New ${names.human}</a>
      </p>
      <table>
        <thead>
          <tr>
${shown.map((field) => `            <th>${humanize(field.name)}</th>`).join("\n")}
            <th />
          </tr>
        </thead>
        <tbody>
          {records.map((${v}) => (
            <tr>
${shown.map((field) => `              <td>${shownValue(field, v)}</td>`).join("\n")}
              <td>
                <a href={paths.show(${v}.id)}>Show</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="actions">
        {page.page > 1 ? <a href={\`\${paths.index}?page=\${page.page - 1}\`}>Previous page</a> : null}
        {page.hasNext ? <a href={\`\${paths.index}?page=\${page.page + 1}\`}>Next page</a> : null}
      </nav>
    </>
  );
}
`;
}

function heading(names: ModelNames, fields: readonly FieldSpec[]): string {
  const v = names.variable;
  const title = fields.find((field) => field.type === "string");
  const fallback = `${humanize(names.human)} #`;
  if (!title) return `${fallback}{${v}.id}`;
  return title.required
    ? `{${v}.${title.name}}`
    : `{${v}.${title.name} || \`${fallback}\${${v}.id}\`}`;
}

export function pageView(names: ModelNames, fields: readonly FieldSpec[]): string {
  const nimbus = [
    "ButtonTo",
    "type ShowViewProps",
    ...(fields.some(needsFormat) ? ["formatValue"] : []),
  ];
  const v = names.variable;
  const entries = fields.flatMap((field) => [
    `        <dt>${humanize(field.name)}</dt>`,
    `        <dd>${shownValue(field, v)}</dd>`,
  ]);
  return `${importLine(nimbus)}
import type { ${names.model} } from "../models/${names.file}.ts";

${signature(`${names.model}Page`, [`record: ${v}`, "paths", "csrf"], `ShowViewProps<typeof ${names.model}>`)}
  return (
    <>
      <h1>${heading(names, fields)}</h1>
      <dl>
${entries.join("\n")}
      </dl>
      <div class="actions">
        <a href={paths.edit(${v}.id)}>Edit</a>
        <a href={paths.index}>All ${names.humanPlural}</a>
        <ButtonTo action={paths.show(${v}.id)} method="delete" csrf={csrf}>
          Delete
        </ButtonTo>
      </div>
    </>
  );
}
`;
}

function fieldElement(field: FieldSpec): string {
  const type = inputType(field);
  const attributes = [`name="${field.name}"`];
  if (type) attributes.push(`type="${type}"`);
  if (field.required && field.type !== "boolean" && field.default === undefined)
    attributes.push("required");
  return `        <Field ${attributes.join(" ")} />`;
}

export function formView(names: ModelNames, fields: readonly FieldSpec[]): string {
  return `import { Field, Form, type FormViewProps } from "nimbus-web";
import type { ${names.model} } from "../models/${names.file}.ts";

${signature(`${names.model}Form`, ["record", "paths", "csrf", "values", "errors", "action", "method"], `FormViewProps<typeof ${names.model}>`)}
  return (
    <>
      <h1>{record ? "Edit ${names.human}" : "New ${names.human}"}</h1>
      <Form action={action} method={method} csrf={csrf} values={values} errors={errors}>
${fields.map(fieldElement).join("\n")}
        <div class="actions">
          <button type="submit">{record ? "Update ${names.human}" : "Create ${names.human}"}</button>
          <a href={record ? paths.show(record.id) : paths.index}>Cancel</a>
        </div>
      </Form>
    </>
  );
}
`;
}
