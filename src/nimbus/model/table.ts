import {
  integer,
  type SQLiteColumn,
  type SQLiteColumnBuilderBase,
  type SQLiteTableExtraConfigValue,
  sqliteTable,
} from "drizzle-orm/sqlite-core";

/** The columns every Nimbus table has: an integer id and the times of creation and last change. */
function conventionalColumns() {
  return {
    id: integer().primaryKey({ autoIncrement: true }),
    createdAt: integer({ mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
    updatedAt: integer({ mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date())
      .$onUpdateFn(() => new Date()),
  };
}

/**
 * A drizzle SQLite table with the Rails conventions: `id`, `createdAt`, `updatedAt`.
 * Column names are the keys in snake_case (`linkId` → `link_id`).
 *
 * @example
 * export const links = table("links", { title: text().notNull(), url: text().notNull().unique() });
 * export const comments = table("comments", { linkId: integer().notNull() }, (t) => [index().on(t.linkId)]);
 */
export function table<Name extends string, Columns extends Record<string, SQLiteColumnBuilderBase>>(
  name: Name,
  columns: Columns,
  extras?: (columns: Record<keyof Columns | "id", SQLiteColumn>) => SQLiteTableExtraConfigValue[],
) {
  return sqliteTable(name, { ...conventionalColumns(), ...columns }, extras as never);
}
