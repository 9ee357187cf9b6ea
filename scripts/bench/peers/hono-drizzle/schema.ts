import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The demo's tables as a hand-written drizzle schema; the database is migrated from the demo's SQL.
export const links = sqliteTable("links", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  title: text("title").notNull(),
  url: text("url").notNull().unique(),
  description: text("description"),
  votes: integer("votes").notNull().default(0),
});

export const comments = sqliteTable("comments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  linkId: integer("link_id").notNull(),
  author: text("author").notNull(),
  body: text("body").notNull(),
});

export type Link = typeof links.$inferSelect;
