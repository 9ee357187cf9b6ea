import { type FieldSpec, STRING_MAX } from "./fields.ts";
import { wrapList } from "./format.ts";
import { type ModelNames, snakeCase } from "./names.ts";

function columnBuilder(field: FieldSpec): string {
  switch (field.type) {
    case "string":
    case "text":
      return "text()";
    case "integer":
    case "references":
      return "integer()";
    case "real":
      return "real()";
    case "boolean":
      return 'integer({ mode: "boolean" })';
    case "datetime":
      return 'integer({ mode: "timestamp_ms" })';
    case "json":
      return 'text({ mode: "json" })';
  }
}

/** The chain after the builder: `.notNull()`, `.unique()`, a default, a foreign key. */
function modifiers(field: FieldSpec): string[] {
  const calls: string[] = [];
  if (field.required) calls.push(".notNull()");
  if (field.unique) calls.push(".unique()");
  if (field.default === "now") calls.push(".$defaultFn(() => new Date())");
  else if (field.default !== undefined) calls.push(`.default(${field.default})`);
  if (field.target)
    calls.push(`.references(() => ${field.target.tableConst}.id, { onDelete: "cascade" })`);
  return calls;
}

/** One column, on one line unless it calls a function argument among others (as biome formats it). */
function column(field: FieldSpec, indent: string): string {
  const calls = modifiers(field);
  const oneLine = `${indent}${field.name}: ${columnBuilder(field)}${calls.join("")},`;
  if (calls.length < 2 || (!field.target && oneLine.length <= 100)) return oneLine;
  const lines = [
    `${indent}${field.name}: ${columnBuilder(field)}`,
    ...calls.map((call) => `${indent}  ${call}`),
  ];
  return `${lines.join("\n")},`;
}

function indexed(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter((field) => field.index || (field.type === "references" && !field.unique));
}

function imports(fields: readonly FieldSpec[], unique: readonly string[][]): string {
  const names = new Set(["model", "table"]);
  if (unique.length > 0) names.add("uniqueIndex");
  for (const field of fields) {
    const builder = columnBuilder(field);
    names.add(builder.slice(0, builder.indexOf("(")));
  }
  if (indexed(fields).length > 0) names.add("index");
  return [...names].sort().join(", ");
}

function rules(fields: readonly FieldSpec[]): string[] {
  return fields
    .filter((field) => field.type === "string")
    .map((field) => `${field.name}: (s) => s.max(${STRING_MAX})`);
}

/**
 * src/models/post.ts: the table and the model, as in the demo's models. `owner` is a column
 * that is not one of the model's fields (the signed-in user sets it, never a request).
 */
export function modelFile(
  names: ModelNames,
  writable: readonly FieldSpec[],
  unique: readonly string[][] = [],
  owner?: FieldSpec,
): string {
  const fields = owner ? [...writable, owner] : writable;
  const lines = [`import { ${imports(fields, unique)} } from "nimbus-web";`];
  // Two references to one model import its table once.
  const targets = [
    ...new Map(
      fields.flatMap((field) =>
        field.target ? [[field.target.model, field.target] as const] : [],
      ),
    ).values(),
  ];
  for (const target of targets)
    lines.push(`import { ${target.tableConst} } from "./${target.file}.ts";`);
  lines.push("");
  const indexes = indexed(fields);
  if (indexes.length === 0 && unique.length === 0) {
    lines.push(`export const ${names.tableConst} = table("${names.table}", {`);
    lines.push(...fields.map((field) => column(field, "  ")));
    lines.push("});");
  } else {
    lines.push(`export const ${names.tableConst} = table(`, `  "${names.table}",`, "  {");
    lines.push(...fields.map((field) => column(field, "    ")));
    lines.push("  },");
    const list = [
      ...indexes.map(
        (field) => `index("${names.table}_${snakeCase(field.name)}").on(t.${field.name})`,
      ),
      ...unique.map(
        (group) =>
          `uniqueIndex("${names.table}_${group.map(snakeCase).join("_")}_unique").on(${group.map((name) => `t.${name}`).join(", ")})`,
      ),
    ];
    lines.push(...wrapList("  ", "(t) => [", list, "],"));
    lines.push(");");
  }
  lines.push("");
  lines.push(`export const ${names.model} = model(${names.tableConst}, {`);
  lines.push(
    ...wrapList(
      "  ",
      "fields: [",
      writable.map((field) => `"${field.name}"`),
      "],",
    ),
  );
  const fieldRules = rules(writable);
  if (fieldRules.length > 0) lines.push(...wrapList("  ", "rules: {", fieldRules, "},"));
  lines.push("});");
  return `${lines.join("\n")}\n`;
}
