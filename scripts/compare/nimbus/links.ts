// The Links resource declared by hand with Nimbus (no generator): the count the README quotes.
import { createApp, model, resource, table, text } from "nimbus-web";

export const links = table("links", {
  title: text().notNull(),
  url: text().notNull().unique(),
  description: text(),
});

export const Link = model(links, {
  fields: ["title", "url", "description"],
  rules: {
    title: (s) => s.max(120),
    url: (s) => s.url({ protocol: /^https?$/ }).max(2048),
    description: (s) => s.max(1000),
  },
});

export default createApp().resources(resource("/links", Link, { sortable: ["title"] }));
