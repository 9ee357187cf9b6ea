/** The bench's link board: the demo's links table as a Nimbus resource, on any database engine. */
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

export const board = (database: DatabaseEngine) =>
  createApp({ database, logRequests: false })
    .resources(resource("/links", Link, { sortable: ["title", "createdAt"] }))
    .get("/hello", (c) => c.text("Hello from Nimbus!"));
