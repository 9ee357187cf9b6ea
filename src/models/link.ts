import { integer, model, table, text } from "nimbus-web";

export const links = table("links", {
  title: text().notNull(),
  url: text().notNull().unique(),
  description: text(),
  /** Mirror of the link's exact vote counter, so the list reads totals with its one query. */
  votes: integer().notNull().default(0),
});

export const Link = model(links, {
  fields: ["title", "url", "description"],
  rules: {
    title: (s) => s.max(120),
    // Only http(s): a javascript: URL in an href would run script on click.
    url: (s) => s.url({ protocol: /^https?$/ }).max(2048),
    description: (s) => s.max(1000),
  },
});
