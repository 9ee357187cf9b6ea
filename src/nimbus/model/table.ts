import type { BuildColumns } from "drizzle-orm";
import {
  integer,
  type SQLiteColumn,
  type SQLiteColumnBuilderBase,
  type SQLiteTableExtraConfigValue,
  type SQLiteTableWithColumns,
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

/** The table `table()` returns, spelled out so that published type declarations keep it exact. */
export type NimbusTable<
  Name extends string,
  Columns extends Record<string, SQLiteColumnBuilderBase>,
> = SQLiteTableWithColumns<{
  name: Name;
  schema: undefined;
  columns: BuildColumns<Name, ReturnType<typeof conventionalColumns> & Columns, "sqlite">;
  dialect: "sqlite";
}>;

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
): NimbusTable<Name, Columns> {
  return sqliteTable(name, { ...conventionalColumns(), ...columns }, extras as never);
}
