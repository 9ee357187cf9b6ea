import { type FieldSpec, STRING_MAX } from "./fields.ts";
import { humanize } from "./names.ts";

/**
 * Values the generated tests send, as code. `n` tells the samples apart (1 and 2: the JSON test,
 * 3 and 4: the HTML test), so unique fields never collide.
 */
export function jsonSample(field: FieldSpec, n: number): string {
  switch (field.type) {
    case "string":
    case "text":
      return JSON.stringify(`${humanize(field.name)} ${n}`);
    case "integer":
      return String(n);
    case "real":
      return String(n + 0.5);
    case "boolean":
      return String(n % 2 === 1);
    case "datetime":
      return JSON.stringify(`2026-01-0${n}T10:00:00.000Z`);
    case "json":
      return `{ n: ${n} }`;
    case "references":
      return `${field.target?.variable}.id`;
  }
}

/** The same value as an HTML form sends it: text. */
export function formSample(field: FieldSpec, n: number): string {
  switch (field.type) {
    case "string":
    case "text":
    case "boolean":
      return JSON.stringify(JSON.parse(jsonSample(field, n)).toString());
    case "integer":
    case "real":
      return JSON.stringify(jsonSample(field, n));
    case "datetime":
      return JSON.stringify(`2026-01-0${n}T10:00`);
    case "json":
      // As biome quotes it: single quotes around text that holds double quotes.
      return `'${JSON.stringify({ n })}'`;
    case "references":
      return `String(${field.target?.variable}.id)`;
  }
}

/** One field and a value the model refuses, for the validation-error tests; none when every value passes. */
export interface Invalid {
  field: string;
  json: string;
  form: string;
}

export function invalidSample(fields: readonly FieldSpec[]): Invalid {
  const mandatory = (field: FieldSpec) => field.required && field.default === undefined;
  const text = (field: FieldSpec) => field.type === "string" || field.type === "text";
  const blank = fields.find((field) => mandatory(field) && text(field));
  if (blank) return { field: blank.name, json: '""', form: '""' };
  const long = fields.find((field) => field.type === "string");
  const tooLong = `"x".repeat(${STRING_MAX + 1})`;
  if (long) return { field: long.name, json: tooLong, form: tooLong };
  const missing = fields.find(
    (field) => mandatory(field) && field.type !== "boolean" && field.type !== "json",
  );
  if (missing) return { field: missing.name, json: "null", form: '""' };
  const numeric = fields.find((field) => ["integer", "real", "references"].includes(field.type));
  if (numeric) return { field: numeric.name, json: '"many"', form: '"many"' };
  const date = fields.find((field) => field.type === "datetime");
  if (date) return { field: date.name, json: '"someday"', form: '"someday"' };
  // Every field takes any value: a field the model doesn't have is what it refuses.
  return { field: "notAField", json: '"x"', form: '"x"' };
}
