import { type Column, getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { z } from "zod";
import { FRAMEWORK_FIELDS, type ParsedBody } from "../http/body.ts";
import { type FieldErrors, ValidationFailed } from "../http/errors.ts";
import { coerceFormValue, coerceJsonValue } from "./coerce.ts";
import { fieldMessage } from "./messages.ts";
import { type ColumnSchema, insertSchema } from "./schema.ts";

type Insert<T extends SQLiteTable> = T["$inferInsert"];
type Columns<T extends SQLiteTable> = T["_"]["columns"];

/** Keys a user may declare writable: any inserted column but the conventional ones. */
export type WritableKey<T extends SQLiteTable> = Exclude<
  keyof Insert<T> & string,
  "id" | "createdAt" | "updatedAt"
>;

/** Extra rules per field, each refining the schema derived from the column: `title: (s) => s.max(120)`. */
export type Rules<T extends SQLiteTable, F extends WritableKey<T>> = {
  [K in F]?: (schema: ColumnSchema<Columns<T>[K]>) => z.ZodType;
};

export interface ModelOptions<T extends SQLiteTable, F extends WritableKey<T>> {
  /** The only fields a request may set; anything else is rejected (no mass assignment). */
  fields: readonly F[];
  rules?: Rules<T, F>;
}

/** A table plus the fields users may write and the rules those fields obey. */
export interface Model<
  T extends SQLiteTable = SQLiteTable,
  F extends WritableKey<T> = WritableKey<T>,
> {
  readonly table: T;
  readonly fields: readonly F[];
  readonly columns: Record<string, SQLiteColumn>;
  /** Parses a request body for an insert; throws ValidationFailed (422) with field messages. */
  parseCreate(body: ParsedBody): Pick<Insert<T>, F>;
  /** Parses a request body for an update: only the fields sent change. */
  parseUpdate(body: ParsedBody): Partial<Pick<Insert<T>, F>>;
}

/** A NOT NULL text column without a default must hold something: "" and "   " are blank. */
function requiresText(column: Column): boolean {
  return column.dataType === "string" && column.notNull && !column.hasDefault;
}

function toFieldErrors(error: z.ZodError, values: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "base");
    errors[field] = [...(errors[field] ?? []), fieldMessage(issue, values[field])];
  }
  return errors;
}

/**
 * Declares a model: a table, the fields requests may write, and their validation,
 * derived from the columns (types, NOT NULL, length), plus your rules.
 *
 * @example
 * export const Link = model(links, { fields: ["title", "url"], rules: { url: (s) => s.url() } });
 */
export function model<T extends SQLiteTable, const F extends WritableKey<T>>(
  table: T,
  options: ModelOptions<T, F>,
): Model<T, F> {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const userRules = (options.rules ?? {}) as Record<string, (s: z.ZodType) => z.ZodType>;
  const refine: Record<string, (s: z.ZodType) => z.ZodType> = {};
  for (const field of options.fields) {
    const column = columns[field];
    if (!column)
      throw new Error(`model(${getTableName(table)}): "${field}" is not a column of the table.`);
    const rule = userRules[field];
    const base = requiresText(column)
      ? (s: z.ZodType) => (s as z.ZodString).trim().min(1)
      : undefined;
    if (base || rule) refine[field] = (s) => (rule ?? ((x) => x))(base ? base(s) : s);
  }
  const writableColumns = Object.fromEntries(
    options.fields.map((field) => [field, columns[field]]),
  );
  const createSchema = insertSchema(writableColumns as Record<string, SQLiteColumn>, refine);
  const updateSchema = createSchema.partial();
  const writable = new Set<string>(options.fields);

  function prepare(body: ParsedBody): Record<string, unknown> {
    const unknown: FieldErrors = {};
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body.data)) {
      if (body.kind === "form" && FRAMEWORK_FIELDS.has(name)) continue;
      const column = columns[name];
      if (!writable.has(name) || !column) {
        unknown[name] = [`is not a writable field (writable: ${options.fields.join(", ")})`];
        continue;
      }
      values[name] =
        body.kind === "form"
          ? coerceFormValue(column, value as string)
          : coerceJsonValue(column, value);
    }
    if (Object.keys(unknown).length > 0) throw new ValidationFailed(unknown);
    return values;
  }

  function parse<Out>(schema: z.ZodObject, body: ParsedBody): Out {
    const values = prepare(body);
    const result = schema.safeParse(values);
    if (!result.success) throw new ValidationFailed(toFieldErrors(result.error, values));
    return result.data as Out;
  }

  return {
    table,
    fields: options.fields,
    columns,
    parseCreate: (body) => parse(createSchema, body),
    parseUpdate: (body) => parse(updateSchema, body),
  };
}
