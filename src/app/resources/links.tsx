import { asc, eq, resource } from "nimbus";
import { Comment, comments } from "../models/comment.ts";
import { Link } from "../models/link.ts";
import { LinkList } from "../views/link-list.tsx";
import { LinkPage } from "../views/link-page.tsx";

export const linkResource = resource("/links", Link, {
  sortable: ["title", "createdAt"],
  filterable: ["url"],
  views: { index: LinkList },
  actions: {
    // A link's page shows its comments too.
    show: async ({ c, db, record, paths, respond }) => {
      const thread = await db
        .select()
        .from(comments)
        .where(eq(comments.linkId, record.id))
        .orderBy(asc(comments.id))
        .all();
      return respond({
        title: record.title,
        html: () => (
          <LinkPage
            link={record}
            comments={thread}
            paths={paths}
            csrf={c.var.session.csrfToken()}
          />
        ),
        json: () => ({ data: { ...record, comments: thread } }),
      });
    },
  },
});

export const commentResource = resource("/links/:linkId/comments", Comment, {
  parents: { linkId: Link },
  redirectAfterSave: (comment) => `/links/${comment.linkId}`,
  redirectAfterDestroy: (comment) => `/links/${comment.linkId}`,
});
