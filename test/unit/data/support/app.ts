/**
 * A link board on a given database engine, built like a user's app from the public API over
 * the demo's links table and migrations (the demo itself also needs workerd's Durable Objects).
 */
import {
  createApp,
  type DatabaseEngine,
  model,
  resource,
  table,
  text,
} from "../../../../src/nimbus/index.ts";

const links = table("links", {
  title: text().notNull(),
  url: text().notNull().unique(),
  description: text(),
});

const Link = model(links, { fields: ["title", "url", "description"] });

const linkResource = resource("/links", Link, { sortable: ["title", "createdAt"] });

export function demoApp(database: DatabaseEngine) {
  return createApp({ database, logRequests: false }).resources(linkResource);
}
