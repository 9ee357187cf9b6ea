import type { NimbusContext } from "nimbus";
import { rateLimited } from "nimbus/coord";
import { type AppEnv, coord } from "./bindings.ts";
import { clientKey } from "./client.ts";
import { announce } from "./live/links-room.ts";

// Votes live in one exact counter object per link (`votes:<id>`), not in D1: concurrent
// votes on one link never contend on the database, and each total is exact.
const counterName = (linkId: number) => `votes:${linkId}`;

/** At most 30 votes a minute from one client (IP, else session), then 429 with Retry-After. */
export const voteLimit = rateLimited<AppEnv>({
  key: (c) => `vote:${clientKey(c)}`,
  limit: 30,
  window: 60,
});

/** Counts one vote for the link and tells every open list; returns the new total. */
export async function castVote(c: NimbusContext, linkId: number): Promise<number> {
  const votes = await coord(c).counter(counterName(linkId)).increment();
  await announce(c, { type: "vote", id: linkId, votes });
  return votes;
}

/**
 * The totals of `linkIds`, read in parallel: one counter object per link, so a page of 20
 * links is 20 concurrent Durable Object calls (the page waits for the slowest one).
 */
export async function readVotes(c: NimbusContext, linkIds: number[]): Promise<Map<number, number>> {
  const coordination = coord(c);
  const totals = await Promise.all(
    linkIds.map((id) => coordination.counter(counterName(id)).get()),
  );
  return new Map(linkIds.map((id, i) => [id, totals[i] ?? 0]));
}

/** "1 vote", "3 votes" (the list page's script says it the same way). */
export const votesLabel = (votes: number) => `${votes} ${votes === 1 ? "vote" : "votes"}`;

/** A path on this site the vote form asked to return to, else `fallback`. */
export async function returnPath(c: NimbusContext, fallback: string): Promise<string> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.includes("form")) return fallback;
  const body = await c.var.body();
  const back = body.kind === "form" ? body.data.back : undefined;
  // Only local paths: "//host" and "/\host" would leave the site (an open redirect).
  return back && /^\/(?![/\\])/.test(back) ? back : fallback;
}
