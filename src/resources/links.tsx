import { asc, eq, returnPath } from "nimbus-web";
import { coord, resource } from "../bindings.ts";
import { fetchTitle, TITLE_JOB_OPTIONS } from "../jobs/fetch-title.ts";
import { announce } from "../live/links-room.ts";
import { Comment, comments } from "../models/comment.ts";
import { Link } from "../models/link.ts";
import { LinkList } from "../views/link-list.tsx";
import { LinkPage } from "../views/link-page.tsx";
import { castVote, voteLimit, votesLabel } from "../votes.ts";

export const linkResource = resource("/links", Link, {
  sortable: ["title", "createdAt"],
  filterable: ["url"],
  views: { index: LinkList },
  // Pages are cached for anonymous visitors; any write to links (or comments, on a link's page)
  // makes the old copies unreachable at once.
  cache: { index: { ttl: 60 }, show: { ttl: 300, tags: ["comments"] } },
  actions: {
    // A link's page shows its comments and votes too.
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
            votes={record.votes}
            paths={paths}
            csrf={c.var.session.csrfToken()}
          />
        ),
        json: () => ({ data: { ...record, comments: thread } }),
      });
    },
  },
  member: {
    // POST /links/:id/vote, rate-limited per client before the link is even loaded.
    vote: {
      method: "post",
      use: [voteLimit],
      handler: async ({ c, record, paths }) => {
        // Everything read from the request is settled before the vote is counted.
        const back = await returnPath(c, paths.show(record.id));
        const votes = await castVote(c, record.id);
        if (c.var.format === "json") return c.json({ data: { id: record.id, votes } });
        c.var.session.flash(`Voted for “${record.title}”: ${votesLabel(votes)}.`);
        return c.redirect(back, 303);
      },
    },
  },
  afterCreate: async (link, c) => {
    await announce(c, { type: "link", id: link.id, title: link.title, url: link.url });
    if (!link.description) {
      await c.var.defer(
        () => coord(c).enqueue(fetchTitle, { linkId: link.id, url: link.url }, TITLE_JOB_OPTIONS),
        "enqueue fetch-title",
      );
    }
  },
});

export const commentResource = resource("/links/:linkId/comments", Comment, {
  parents: { linkId: Link },
  redirectAfterSave: (comment) => `/links/${comment.linkId}`,
  redirectAfterDestroy: (comment) => `/links/${comment.linkId}`,
});
