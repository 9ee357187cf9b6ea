import type { Column } from "drizzle-orm";

/** Form fields arrive as text; turn each into the type its column stores, so the schema can judge it. */
export function coerceFormValue(column: Column, text: string): unknown {
  const blank = text.trim() === "";
  switch (column.dataType) {
    case "number":
      return blank ? null : Number(text);
    case "boolean":
      return text === "true" || text === "on" || text === "1";
    case "date":
      return blank ? null : new Date(text);
    case "json":
      try {
        return blank ? null : JSON.parse(text);
      } catch {
        return text;
      }
    default:
      // An optional text left empty means "no value", not an empty string.
      return blank && !column.notNull ? null : text;
  }
}

/** JSON has no dates: accept ISO strings (and epoch milliseconds) for date columns. */
export function coerceJsonValue(column: Column, value: unknown): unknown {
  if (column.dataType === "date" && (typeof value === "string" || typeof value === "number")) {
    return new Date(value);
  }
  return value;
}
