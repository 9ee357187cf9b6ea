import { describe, expect, it } from "vitest";
import { createLink } from "./support/browser.ts";
import { csrfIn, freshIp, Visitor } from "./support/visitor.ts";

type Voted = { data: { id: number; votes: number } };

const votesOf = async (id: number) => {
  const res = await new Visitor(freshIp()).json(`/links/${id}`);
  return ((await res.json()) as { data: { votes: number } }).data.votes;
};

describe("votes on links (counter per link)", () => {
  it("a JSON vote answers the new total", async () => {
    const link = await createLink();
    const client = new Visitor(freshIp());
    const first = await client.json(`/links/${link.id}/vote`, "POST");
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ data: { id: link.id, votes: 1 } });
    const second = await client.json(`/links/${link.id}/vote`, "POST");
    expect(((await second.json()) as Voted).data.votes).toBe(2);
    expect(second.headers.get("RateLimit-Remaining")).toBe("28");
    expect(await votesOf(link.id)).toBe(2);
  });

  it("concurrent votes from many clients are all counted, each total given out once", async () => {
    const link = await createLink();
    const n = 40;
    const answers = await Promise.all(
      Array.from({ length: n }, () =>
        new Visitor(freshIp()).json(`/links/${link.id}/vote`, "POST"),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(n).fill(200));
    const totals = await Promise.all(
      answers.map(async (r) => ((await r.json()) as Voted).data.votes),
    );
    expect(totals.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(await votesOf(link.id)).toBe(n);
  });

  it("the list and the link page show each link's votes", async () => {
    const [quiet, popular] = [await createLink(), await createLink()];
    const voter = new Visitor(freshIp());
    for (let i = 0; i < 3; i++) await voter.json(`/links/${popular.id}/vote`, "POST");
    const list = await new Visitor(freshIp()).page("/links");
    const item = (id: number) =>
      new RegExp(`<li data-id="${id}">[\\s\\S]*?</li>`).exec(list.html)?.[0] ?? "";
    expect(item(popular.id)).toContain('<span class="votes" data-votes="3">3 votes</span>');
    expect(item(quiet.id)).toContain('<span class="votes" data-votes="0">0 votes</span>');
    expect(item(popular.id)).toContain(`aria-label="Vote for ${popular.title}"`);
    const page = await new Visitor(freshIp()).page(`/links/${popular.id}`);
    expect(page.html).toContain("3 votes");
    expect(page.html).toContain(`<form action="/links/${popular.id}/vote" method="post">`);
  });

  it("the vote form goes back where it was sent from, with a flash", async () => {
    const link = await createLink();
    const browser = new Visitor(freshIp());
    const list = await browser.page("/links?per_page=50");
    const _csrf = csrfIn(list.html, `/links/${link.id}/vote`);
    const res = await browser.submit(`/links/${link.id}/vote`, {
      _csrf,
      back: "/links?per_page=50",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/links?per_page=50");
    const after = await browser.page("/links?per_page=50");
    expect(after.html).toContain(`Voted for “${link.title}”: 1 vote.`);
    expect(after.html).toContain('<span class="votes" data-votes="1">1 vote</span>');
    // No `back`, or one leading off the site: the link's own page.
    for (const back of [undefined, "//evil.example/", "/\\evil.example", "https://evil.example/"]) {
      const fields: Record<string, string> = { _csrf };
      if (back !== undefined) fields.back = back;
      const again = await browser.submit(`/links/${link.id}/vote`, fields);
      expect(again.status).toBe(303);
      expect(again.headers.get("Location")).toBe(`/links/${link.id}`);
    }
    expect(await votesOf(link.id)).toBe(5);
  });

  it("a vote form without the session's token is refused and not counted", async () => {
    const link = await createLink();
    const browser = new Visitor(freshIp());
    await browser.page("/links");
    const res = await browser.submit(`/links/${link.id}/vote`, { _csrf: "forged" });
    expect(res.status).toBe(403);
    expect(await votesOf(link.id)).toBe(0);
  });

  it("voting on a missing link is a 404", async () => {
    const res = await new Visitor(freshIp()).json("/links/999999/vote", "POST");
    expect(res.status).toBe(404);
  });

  it("one client gets 30 votes a minute, then 429 with Retry-After; others still vote", async () => {
    const link = await createLink();
    const client = new Visitor(freshIp());
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push((await client.json(`/links/${link.id}/vote`, "POST")).status);
    expect(statuses).toEqual(Array(30).fill(200));
    const refused = await client.json(`/links/${link.id}/vote`, "POST");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({
      status: 429,
      detail: expect.stringContaining("the limit is 30 per 60 s"),
    });
    expect((await new Visitor(freshIp()).json(`/links/${link.id}/vote`, "POST")).status).toBe(200);
    expect(await votesOf(link.id)).toBe(31);
  });
});
