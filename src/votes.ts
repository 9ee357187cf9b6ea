import { eq, sql } from "nimbus-web";
import { rateLimited } from "nimbus-web/coord";
import { type AppContext, type AppEnv, coord } from "./bindings.ts";
import { clientKey } from "./client.ts";
import { announce } from "./live/links-room.ts";
import { links } from "./models/link.ts";

// Votes are counted in one exact counter object per link (`votes:<id>`): concurrent votes never
// contend on the database and each total is exact. Each total is then mirrored into links.votes
// with max(), which commutes, so the row ends at the highest total whatever order writes land in,
// and pages read votes with the rows they already query, instead of one object call per row.
const counterName = (linkId: number) => `votes:${linkId}`;

/** At most 30 votes a minute from one client (IP, else session), then 429 with Retry-After. */
export const voteLimit = rateLimited<AppEnv>({
  key: (c) => `vote:${clientKey(c)}`,
  limit: 30,
  window: 60,
});

/** Counts one vote for the link and tells every open list; returns the new total. */
export async function castVote(c: AppContext, linkId: number): Promise<number> {
  const votes = await coord(c).counter(counterName(linkId)).increment();
  await c.var.db
    .update(links)
    // A vote is not an edit: updatedAt keeps its value.
    .set({ votes: sql`max(${links.votes}, ${votes})`, updatedAt: sql`${links.updatedAt}` })
    .where(eq(links.id, linkId))
    .run();
  await announce(c, { type: "vote", id: linkId, votes });
  return votes;
}

/** "1 vote", "3 votes" (the list page's script says it the same way). */
export const votesLabel = (votes: number) => `${votes} ${votes === 1 ? "vote" : "votes"}`;
