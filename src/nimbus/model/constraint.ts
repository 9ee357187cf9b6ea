import type { Column, Table } from "drizzle-orm";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { Conflict, type FieldErrors, ValidationFailed } from "../http/errors.ts";

// "table.column" or "table.a, table.b": what follows the list (libSQL adds " SQLite error…") is not a column.
const UNIQUE = /UNIQUE constraint failed: ((?:[\w"]+\.)?[\w"]+(?:, (?:[\w"]+\.)?[\w"]+)*)/;

// SQLite does not say which reference failed, only that one did.
const FOREIGN_KEY = /FOREIGN KEY constraint failed/;

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

/** The model's keys whose columns reference another table. */
function referenceKeys(model: ConstrainedModel): string[] {
  if (!model.table) return [];
  const { foreignKeys } = getTableConfig(model.table as SQLiteTable);
  const referencing = new Set<Column>(foreignKeys.flatMap((fk) => fk.reference().columns));
  return Object.keys(model.columns).filter((key) => {
    const column = model.columns[key];
    return column !== undefined && referencing.has(column);
  });
}

/**
 * A reference the database rejected (no such parent row) becomes a field error on the reference
 * fields the write set (all of them, when it set none): null for any other error.
 */
export function foreignKeyViolation(
  error: unknown,
  model: ConstrainedModel,
  input?: Readonly<Record<string, unknown>>,
): FieldErrors | null {
  if (!FOREIGN_KEY.test(messageChain(error))) return null;
  const keys = referenceKeys(model);
  const given = keys.filter((key) => input?.[key] !== undefined && input[key] !== null);
  const errors: FieldErrors = {};
  for (const key of given.length > 0 ? given : keys) errors[key] = ["does not exist"];
  return Object.keys(errors).length > 0 ? errors : null;
}

/** What the constraint helpers read of a model: its columns and (for references) its table. */
export interface ConstrainedModel {
  readonly columns: Record<string, Column>;
  readonly table?: Table;
}

/**
 * Runs a delete; a reference that forbids it (another row still points at this one, without
 * `onDelete: "cascade"`) becomes a 409 Conflict instead of an error.
 */
export async function withDeleteConflicts<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (FOREIGN_KEY.test(messageChain(error)))
      throw new Conflict(`The ${what} can't be deleted: other records still refer to it.`);
    throw error;
  }
}

/**
 * Runs a write; a unique index that refuses it becomes a 422 with the field's message
 * ("has already been taken"), and so does a reference to a row that does not exist ("does not
 * exist", on the reference fields of `input`), as the default actions answer. For custom actions.
 *
 * @example
 * const user = await withUniqueErrors(User, () => db.insert(users).values(input).returning().get(), input);
 */
export async function withUniqueErrors<T>(
  model: ConstrainedModel,
  write: () => Promise<T>,
  input?: Readonly<Record<string, unknown>>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const fields =
      uniqueViolation(error, model.columns) ?? foreignKeyViolation(error, model, input);
    if (fields) throw new ValidationFailed(fields);
    throw error;
  }
}
