import { index, integer, model, table, text } from "nimbus-web";
import { links } from "./link.ts";

export const comments = table(
  "comments",
  {
    linkId: integer()
      .notNull()
      .references(() => links.id, { onDelete: "cascade" }),
    author: text().notNull(),
    body: text().notNull(),
  },
  (t) => [index("comments_link_id").on(t.linkId)],
);

export const Comment = model(comments, {
  fields: ["author", "body"],
  rules: { author: (s) => s.max(60), body: (s) => s.max(2000) },
});
