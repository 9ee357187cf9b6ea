import type { Column } from "drizzle-orm";
import { type FieldErrors, ValidationFailed } from "../http/errors.ts";

// "table.column" or "table.a, table.b": what follows the list (libSQL adds " SQLite error…") is not a column.
const UNIQUE = /UNIQUE constraint failed: ((?:[\w"]+\.)?[\w"]+(?:, (?:[\w"]+\.)?[\w"]+)*)/;

function messageChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(" ");
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A unique index the database rejected becomes a field error ("has already been taken"):
 * checking first would race with a concurrent insert, the constraint cannot.
 */
export function uniqueViolation(
  error: unknown,
  columns: Record<string, Column>,
): FieldErrors | null {
  const match = UNIQUE.exec(messageChain(error));
  if (!match?.[1]) return null;
  const errors: FieldErrors = {};
  for (const qualified of match[1].split(",")) {
    const name = qualified.trim().split(".").pop() ?? "";
    const key = Object.keys(columns).find(
      (k) => k === name || snakeCase(k) === name || columns[k]?.name === name,
    );
    errors[key ?? name] = ["has already been taken"];
  }
  return errors;
}

/**
 * Runs a write; a unique index that refuses it becomes a 422 with the field's message
 * ("has already been taken"), as the default actions answer. For custom actions.
 *
 * @example
 * const user = await withUniqueErrors(User, () => db.insert(users).values(input).returning().get());
 */
export async function withUniqueErrors<T>(
  model: { readonly columns: Record<string, Column> },
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const fields = uniqueViolation(error, model.columns);
    if (fields) throw new ValidationFailed(fields);
    throw error;
  }
}
