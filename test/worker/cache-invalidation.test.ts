import { env } from "cloudflare:workers";
import { eventually } from "nimbus-web/testing";
import { describe, expect, inject, it } from "vitest";
import { api, createLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, demoNode, fetchFrom, mainNode } from "./support/cache-nodes.ts";

/** Changes a title behind the app's back (no tag bump): a page that still shows the old one came from the cache. */
async function retitleBehindTheAppsBack(id: number, title: string): Promise<void> {
  await env.DB.prepare("UPDATE links SET title = ? WHERE id = ?").bind(title, id).run();
}

describe("cache: a write invalidates the cached list and the record on the next read", () => {
  it("the list: cached until a write through the app, fresh on the very next read", async () => {
    const link = await createLink();
    const reader = new CacheBrowser();
    const first = await reader.page("/links");
    expect(first.html).toContain(link.title);
    await retitleBehindTheAppsBack(link.id, `${link.title} (quietly)`);
    const cached = await reader.page("/links");
    expect(cacheStatus(cached.res)).toBe("hit");
    expect(cached.html).toContain(`${link.title}<`);

    const newer = await createLink();
    const after = await reader.page("/links");
    expect(cacheStatus(after.res)).toBe("miss");
    expect(after.html).toContain(newer.title);
    expect(after.html).toContain(`${link.title} (quietly)`);
  });

  it("a record's page (HTML and JSON): fresh after an update and gone after a destroy", async () => {
    const link = await createLink();
    const reader = new CacheBrowser();
    await reader.page(`/links/${link.id}`);
    await fetchFrom(mainNode, `/links/${link.id}.json`);
    await retitleBehindTheAppsBack(link.id, "changed behind its back");
    expect((await reader.page(`/links/${link.id}`)).html).toContain(link.title);
    const json = await fetchFrom(mainNode, `/links/${link.id}.json`);
    expect(cacheStatus(json)).toBe("hit");
    expect(((await json.json()) as { data: { title: string } }).data.title).toBe(link.title);

    expect((await api(`/links/${link.id}`, "PATCH", { title: "Renamed" })).status).toBe(200);
    const page = await reader.page(`/links/${link.id}`);
    expect(cacheStatus(page.res)).toBe("miss");
    expect(page.html).toContain("Renamed");
    const fresh = await fetchFrom(mainNode, `/links/${link.id}.json`);
    expect(((await fresh.json()) as { data: { title: string } }).data.title).toBe("Renamed");

    expect((await api(`/links/${link.id}`, "DELETE")).status).toBe(204);
    expect((await reader.page(`/links/${link.id}`)).res.status).toBe(404);
    expect((await reader.page("/links")).html).not.toContain("Renamed");
  });

  it("writes inside custom actions (a vote) and in nested resources (a comment) invalidate too", async () => {
    const link = await createLink();
    const reader = new CacheBrowser();
    expect((await reader.page("/links")).html).toContain(`data-id="${link.id}"`);
    await reader.page(`/links/${link.id}`);

    const vote = await api(
      `/links/${link.id}/vote`,
      "POST",
      {},
      { "CF-Connecting-IP": "192.0.2.7" },
    );
    expect(vote.status).toBe(200);
    const list = await reader.page("/links");
    expect(cacheStatus(list.res)).toBe("miss");
    expect(list.html).toMatch(new RegExp(`data-id="${link.id}"[\\s\\S]*?1 vote<`));

    await reader.page(`/links/${link.id}`);
    const comment = await api(`/links/${link.id}/comments`, "POST", {
      author: "Ada",
      body: "First!",
    });
    expect(comment.status).toBe(201);
    const page = await reader.page(`/links/${link.id}`);
    expect(cacheStatus(page.res)).toBe("miss");
    expect(page.html).toContain("First!");
  });

  it("a job's write through openDatabase(env), outside any request, invalidates the page too", async () => {
    const link = await createLink({
      url: `${inject("titleServer")}/titled/${Date.now()}`,
      description: undefined,
    });
    const reader = new CacheBrowser();
    // The job runs after the create's response; until it has, the cached page has no description.
    const described = await eventually(async () => {
      const page = await reader.page(`/links/${link.id}`);
      return page.html.includes("Tea &amp; Biscuits") ? page : undefined;
    });
    expect(cacheStatus(described.res)).toBe("miss");
  });

  it("on every node: the other node's next read is fresh (versions read per request), or within its bound", async () => {
    const strict = demoNode({ versionsMaxAgeMs: 0 });
    const reader = new CacheBrowser(strict);
    await reader.page("/links");
    expect(cacheStatus((await reader.page("/links")).res)).toBe("hit");
    const written = await createLink(); // through the main node
    const next = await reader.page("/links");
    expect(next.html).toContain(written.title);

    // Written on the strict node; the main node trusts the versions it read for up to 1 s.
    const mainReader = new CacheBrowser(mainNode);
    await mainReader.page("/links");
    const other = await new CacheBrowser(strict).json("/links", "POST", {
      title: `From the other node ${Date.now()}`,
      url: `https://example.com/other-node/${Date.now()}`,
      description: "No title to fetch",
    });
    expect(other.status).toBe(201);
    const { data } = (await other.json()) as { data: { title: string } };
    await eventually(
      async () => ((await mainReader.page("/links")).html.includes(data.title) ? true : undefined),
      3000,
    );
  });
});
