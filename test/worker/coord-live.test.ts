import { describe, expect, it } from "vitest";
import { createLink } from "./support/browser.ts";
import { LiveList } from "./support/live.ts";
import { freshIp, Visitor } from "./support/visitor.ts";

const vote = (id: number) => new Visitor(freshIp()).json(`/links/${id}/vote`, "POST");

describe("the live link list (room `links`)", () => {
  it("every subscriber gets new links and votes, in order", async () => {
    const lists = await Promise.all([LiveList.open(), LiveList.open()]);
    const link = await createLink();
    expect((await vote(link.id)).status).toBe(200);
    expect((await vote(link.id)).status).toBe(200);
    const expected = [
      { type: "link", id: link.id, title: link.title, url: link.url },
      { type: "vote", id: link.id, votes: 1 },
      { type: "vote", id: link.id, votes: 2 },
    ];
    for (const list of lists) {
      await list.until(() => list.events.length >= 3);
      expect(list.events).toEqual(expected);
      list.close();
    }
  });

  it("a list that dropped resumes with ?since= and misses nothing", async () => {
    const first = await LiveList.open();
    const seen = first.readySeq;
    first.close();
    const a = await createLink();
    const b = await createLink();
    const again = await LiveList.open(seen);
    const replayed = again.frames.filter((f) => f.type === "message");
    expect(replayed.map((f) => f.type === "message" && f.data)).toEqual([
      { type: "link", id: a.id, title: a.title, url: a.url },
      { type: "link", id: b.id, title: b.title, url: b.url },
    ]);
    expect(replayed.map((f) => f.type === "message" && f.seq)).toEqual([seen + 1, seen + 2]);
    expect(again.frames.at(-1)).toEqual({ type: "ready", seq: seen + 2 });
    again.close();
  });

  it("GET /live/links without an upgrade says what it expects", async () => {
    const res = await new Visitor(freshIp()).request("/live/links");
    expect(res.status).toBe(426);
    expect(await res.text()).toMatch(/expects a WebSocket upgrade/);
  });

  it("the list page carries what its script needs, and works without it", async () => {
    const { html } = await new Visitor(freshIp()).page("/links");
    expect(html).toContain('data-room="/live/links"');
    expect(html).toContain('data-prepend="true"');
    expect(html).toMatch(/<template id="link-item"><li data-id="0">/);
    // The script is a file of this site's (the CSP runs no inline script).
    expect(html).toContain('<script src="/assets/live-list.js"></script>');
    const script = await new Visitor(freshIp()).request("/assets/live-list.js");
    expect(script.headers.get("Content-Type")).toContain("text/javascript");
    expect(await script.text()).toMatch(/^\(\(\) => \{[\s\S]*new WebSocket\(url\)/);
    const older = await new Visitor(freshIp()).page("/links?page=2");
    expect(older.html).toContain('data-prepend="false"');
    const sorted = await new Visitor(freshIp()).page("/links?sort=title");
    expect(sorted.html).toContain('data-prepend="false"');
  });
});
