/**
 * Validation schemas derived from drizzle SQLite columns. Own code instead of drizzle-zod because
 * drizzle-zod takes zod's `z` namespace object, which no bundler can tree-shake: it put all of
 * zod (every locale, JSON Schema tooling) in every app's bundle, about 580 KB of 1.4 MB. The rules
 * are drizzle-zod's for SQLite: integers within the safe range, text within its declared length,
 * enums as enums; in an insert, a nullable column may be null and one with a default may be left out.
 */
import type { Column } from "drizzle-orm";
import * as z from "zod";

/** The schema a rule receives for a column, by the column's data type. */
export type ColumnSchema<C extends Column> = C["_"]["dataType"] extends "boolean"
  ? z.ZodBoolean
  : C["_"]["dataType"] extends "date"
    ? z.ZodDate
    : C["_"]["dataType"] extends "number"
      ? z.ZodNumber
      : C["_"]["dataType"] extends "bigint"
        ? z.ZodBigInt
        : C["_"]["dataType"] extends "string"
          ? C["_"]["enumValues"] extends readonly (infer V extends string)[]
            ? string extends V
              ? z.ZodString
              : z.ZodEnum<{ [K in V]: K }>
            : z.ZodString
          : z.ZodType;

const json: z.ZodType = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.any()),
  z.array(z.any()),
]);

function enumValues(column: Column): [string, ...string[]] | undefined {
  const values = (column as { enumValues?: string[] }).enumValues;
  return values && values.length > 0 ? (values as [string, ...string[]]) : undefined;
}

/** A column's value, before null and absence are allowed. */
export function columnSchema(column: Column): z.ZodType {
  const values = enumValues(column);
  if (values) return z.enum(values);
  switch (column.dataType) {
    case "boolean":
      return z.boolean();
    case "date":
      return z.date();
    case "number":
      return column.columnType === "SQLiteInteger"
        ? z.int().gte(Number.MIN_SAFE_INTEGER).lte(Number.MAX_SAFE_INTEGER)
        : z.number();
    case "bigint":
      return z
        .bigint()
        .gte(-(2n ** 63n))
        .lte(2n ** 63n - 1n);
    case "string": {
      const length = (column as { length?: number }).length;
      return length ? z.string().max(length) : z.string();
    }
    case "json":
      return json;
    case "buffer":
      return z.instanceof(Uint8Array);
    default:
      return z.any();
  }
}

/** The object schema of an insert into `columns`, each refined by `refine[name]` if given. */
export function insertSchema(
  columns: Record<string, Column>,
  refine: Record<string, (schema: z.ZodType) => z.ZodType>,
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, column] of Object.entries(columns)) {
    const rule = refine[name];
    let schema = rule ? rule(columnSchema(column)) : columnSchema(column);
    if (!column.notNull) schema = schema.nullable();
    if (!column.notNull || column.hasDefault) schema = schema.optional();
    shape[name] = schema;
  }
  return z.object(shape);
}
