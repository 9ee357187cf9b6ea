import { csrfIn } from "nimbus-web/testing";
import { describe, expect, it } from "vitest";
import { api, newLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, demoNode, fetchFrom, mainNode } from "./support/cache-nodes.ts";

const CONSISTENCY = "Nimbus-Consistency";

describe("cache: read-your-writes holds with the cache on", () => {
  it("the writer's next read is fresh on a node whose cache still holds the older copy", async () => {
    // This node trusts the tag versions it read for a minute: it keeps serving its copy to others.
    const lagging = demoNode({ versionsMaxAgeMs: 60_000 });
    const reader = new CacheBrowser(lagging);
    await reader.page("/links");

    const writer = new CacheBrowser(mainNode);
    const _csrf = csrfIn((await writer.page("/links/new")).html);
    const link = newLink();
    const created = await writer.submit("/links", { _csrf, ...link });
    expect(created.status).toBe(303);
    expect(writer.cookies.get("nimbus_consistency")).toBeTruthy();
    await writer.page(created.headers.get("Location") ?? "/"); // shows (and clears) the flash

    // The lagging node still serves its older copy to a reader without the token...
    const others = await reader.page("/links");
    expect(cacheStatus(others.res)).toBe("hit");
    expect(others.html).not.toContain(link.title);
    // ...but not to the writer, whose token is newer than that copy (which it refreshes).
    const writersNext = await writer.on(lagging).page("/links");
    expect(cacheStatus(writersNext.res)).toBe("miss");
    expect(writersNext.html).toContain(link.title);
  });

  it("API clients: a request carrying a newer token gets a fresh answer", async () => {
    const lagging = demoNode({ versionsMaxAgeMs: 60_000 });
    await fetchFrom(lagging, "/links.json");
    const link = newLink();
    const created = await api("/links", "POST", link);
    expect(created.status).toBe(201);
    const token = created.headers.get(CONSISTENCY) ?? "";
    expect(token).not.toBe("");

    const withoutToken = await fetchFrom(lagging, "/links.json");
    expect(cacheStatus(withoutToken)).toBe("hit");
    expect(await withoutToken.text()).not.toContain(link.title);
    const withToken = await fetchFrom(lagging, "/links.json", { [CONSISTENCY]: token });
    expect(cacheStatus(withToken)).toBe("miss");
    expect(await withToken.text()).toContain(link.title);
    // The refreshed entry is read at or after the token: the same client is served from it now.
    const again = await fetchFrom(lagging, "/links.json", { [CONSISTENCY]: token });
    expect(cacheStatus(again)).toBe("hit");
  });

  it("only writes set the consistency cookie: reads by a client without a token set none", async () => {
    const visitor = new CacheBrowser(demoNode({ cacheApi: false, memoryEntries: 0 }));
    const read = await visitor.page("/links");
    expect(read.res.status).toBe(200);
    expect(read.res.headers.getSetCookie().some((c) => c.startsWith("nimbus_consistency="))).toBe(
      false,
    );
    const _csrf = csrfIn(read.html);
    const wrote = await visitor.submit("/links", { _csrf, ...newLink() });
    expect(wrote.status).toBe(303);
    expect(wrote.headers.getSetCookie().some((c) => c.startsWith("nimbus_consistency="))).toBe(
      true,
    );
  });
});
