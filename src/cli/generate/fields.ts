import { UsageError } from "../errors.ts";
import { camelCase, type ModelNames, modelNames } from "./names.ts";

export const FIELD_TYPES = [
  "string",
  "text",
  "integer",
  "real",
  "boolean",
  "datetime",
  "json",
  "references",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const MODIFIERS = ["required", "unique", "index", "default=<value>"] as const;

/** A string field holds one line: longer input is a validation error (a `text` field has no limit). */
export const STRING_MAX = 255;

const RESERVED = new Set(["id", "createdAt", "updatedAt"]);

/** One field of a generator's command line: `title:string:required`, `author:references`. */
export interface FieldSpec {
  /** The key in code: "title", "authorId" for `author:references`. */
  name: string;
  type: FieldType;
  required: boolean;
  unique: boolean;
  index: boolean;
  /** The default as it appears in code (`0`, `false`, `"draft"`), or "now" for datetimes. */
  default: string | undefined;
  /** For references: the model pointed at. */
  target: ModelNames | undefined;
  /** The spec as typed, normalized, for the manifest: `title:string:required`. */
  source: string;
}

function defaultCode(type: FieldType, value: string, field: string): string {
  const fail = (expected: string) =>
    new UsageError(
      `Field "${field}": default "${value}" is not ${expected}.`,
      `Example: ${field}:${type}:default=${example(type)}`,
    );
  switch (type) {
    case "string":
    case "text":
      return JSON.stringify(value);
    case "integer":
      if (!/^-?\d+$/.test(value)) throw fail("an integer");
      return value;
    case "real":
      if (!Number.isFinite(Number(value)) || value.trim() === "") throw fail("a number");
      return String(Number(value));
    case "boolean":
      if (value !== "true" && value !== "false") throw fail("true or false");
      return value;
    case "datetime":
      if (value !== "now") throw fail('"now" (the time the row is created)');
      return "now";
    case "json":
      try {
        return JSON.stringify(JSON.parse(value));
      } catch {
        throw fail("valid JSON");
      }
    case "references":
      throw new UsageError(`Field "${field}": a reference has no default.`);
  }
}

function example(type: FieldType): string {
  return {
    string: "draft",
    text: "none",
    integer: "0",
    real: "0.5",
    boolean: "false",
    datetime: "now",
    json: "{}",
    references: "",
  }[type];
}

/** `references{User}`: a reference to a model named otherwise than the field. */
const NAMED_REFERENCE = /^references\{([A-Za-z][A-Za-z0-9_-]*)\}$/;

/** Parses `name[:type][:modifier...]`; the type defaults to string, as in Rails. */
export function parseField(spec: string): FieldSpec {
  const [rawName = "", typeText = "string", ...modifiers] = spec.split(":");
  const namedTarget = NAMED_REFERENCE.exec(typeText)?.[1];
  const rawType = namedTarget ? "references" : typeText;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(rawName)) {
    throw new UsageError(
      `"${spec}": "${rawName}" is not a field name.`,
      "Field names are letters, digits and _, like title or published_at.",
    );
  }
  if (!(FIELD_TYPES as readonly string[]).includes(rawType)) {
    throw new UsageError(
      `"${spec}": unknown field type "${rawType}".`,
      `Valid types: ${FIELD_TYPES.join(", ")}.`,
    );
  }
  const type = rawType as FieldType;
  const base = camelCase(rawName);
  const name = type === "references" ? `${base}Id` : base;
  if (RESERVED.has(name)) {
    throw new UsageError(
      `"${spec}": ${name} is a column every model has already.`,
      "Leave out id, createdAt and updatedAt.",
    );
  }
  const field: FieldSpec = {
    name,
    type,
    required: false,
    unique: false,
    index: false,
    default: undefined,
    target: type === "references" ? modelNames(namedTarget ?? rawName) : undefined,
    source: [
      base,
      namedTarget ? `references{${modelNames(namedTarget).model}}` : type,
      ...modifiers,
    ].join(":"),
  };
  for (const modifier of modifiers) {
    if (modifier === "required" || modifier === "unique" || modifier === "index")
      field[modifier] = true;
    else if (modifier.startsWith("default="))
      field.default = defaultCode(type, modifier.slice("default=".length), base);
    else {
      throw new UsageError(
        `"${spec}": unknown modifier "${modifier}".`,
        `Valid modifiers: ${MODIFIERS.join(", ")}.`,
      );
    }
  }
  return field;
}

export function parseFields(specs: readonly string[]): FieldSpec[] {
  const fields = specs.map(parseField);
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new UsageError(`Field "${field.name}" is given twice.`);
    seen.add(field.name);
  }
  return fields;
}

/**
 * `--unique "article,author;slug,site"`: groups of fields that are unique together, each a
 * composite unique index. Names are as given on the command line (`author` for
 * `author:references`) or as in code (`authorId`).
 */
export function parseUniqueGroups(
  text: string | undefined,
  fields: readonly FieldSpec[],
): string[][] {
  if (!text) return [];
  return text
    .split(";")
    .map((group) => group.trim())
    .filter(Boolean)
    .map((group) => {
      const names = group.split(",").map((name) => name.trim());
      if (names.length < 2) {
        throw new UsageError(
          `--unique "${group}": a composite unique index needs two or more fields.`,
          "For one field, add the modifier instead: email:string:unique",
        );
      }
      return names.map((name) => {
        const key = camelCase(name);
        const field = fields.find((f) => f.name === key || f.name === `${key}Id`);
        if (!field) {
          throw new UsageError(
            `--unique "${group}": "${name}" is not one of the fields given.`,
            `Fields: ${fields.map((f) => f.name).join(", ")}.`,
          );
        }
        return field.name;
      });
    });
}
