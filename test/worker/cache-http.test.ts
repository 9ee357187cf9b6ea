import { describe, expect, it } from "vitest";
import { api, createLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, fetchFrom, mainNode } from "./support/cache-nodes.ts";

describe("cache: strong ETags, 304 and Cache-Control", () => {
  it("JSON: 304 on a matching ETag; a changed record changes the ETag", async () => {
    const link = await createLink();
    const path = `/links/${link.id}.json`;
    const first = await fetchFrom(mainNode, path);
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("Cache-Control")).toBe("private, no-cache");

    const same = await fetchFrom(mainNode, path, { "If-None-Match": etag });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe("");
    expect(same.headers.get("ETag")).toBe(etag);
    // Weak comparison, and a list of tags, as browsers and proxies send them.
    const listed = await fetchFrom(mainNode, path, { "If-None-Match": `"nope", W/${etag}` });
    expect(listed.status).toBe(304);

    expect((await api(`/links/${link.id}`, "PATCH", { title: "A new title" })).status).toBe(200);
    const changed = await fetchFrom(mainNode, path, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    const newEtag = changed.headers.get("ETag");
    expect(newEtag).not.toBe(etag);
    expect(((await changed.json()) as { data: { title: string } }).data.title).toBe("A new title");
    expect((await fetchFrom(mainNode, path, { "If-None-Match": newEtag ?? "" })).status).toBe(304);
  });

  it("pages: each viewer's ETag covers their own token; 304 for the same viewer, 200 for another", async () => {
    const link = await createLink();
    const alice = new CacheBrowser();
    const bob = new CacheBrowser();
    await alice.page("/links"); // first visit: the session (and its token) starts here
    const page = await alice.page(`/links/${link.id}`);
    const etag = page.res.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}-[0-9a-z]+"$/);
    const again = await alice.request(`/links/${link.id}`, {
      headers: { Accept: "text/html", "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
    expect(cacheStatus(again)).toBe("hit");

    await bob.page("/links");
    const bobs = await bob.request(`/links/${link.id}`, {
      headers: { Accept: "text/html", "If-None-Match": etag },
    });
    expect(bobs.status).toBe(200);
    expect(bobs.headers.get("ETag")).not.toBe(etag);

    await api(`/links/${link.id}`, "PATCH", { title: "Retitled for the ETag" });
    const changed = await alice.request(`/links/${link.id}`, {
      headers: { Accept: "text/html", "If-None-Match": etag },
    });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("Retitled for the ETag");
  });

  it("a hit carries the headers its fill had: security headers (HSTS over https), type, cookie", async () => {
    // Each hit's headers are made in one step with the app's security headers: the same set as
    // the response that filled the entry, which got them one at a time. Left out: what is this
    // request's own (the fill's database reads also gave it a consistency token).
    const perRequest = new Set([
      "etag",
      "nimbus-cache",
      "set-cookie",
      "date",
      "x-request-id",
      "nimbus-consistency",
    ]);
    const shown = (res: Response) =>
      [...res.headers]
        .filter(([name]) => !perRequest.has(name))
        .sort(([a], [b]) => (a < b ? -1 : 1));
    for (const origin of ["http://nimbus.test", "https://nimbus.test"]) {
      const link = await createLink();
      const get = () =>
        mainNode.fetch(
          new Request(`${origin}/links/${link.id}`, { headers: { Accept: "text/html" } }),
        );
      const fill = await get();
      const hit = await get();
      expect([cacheStatus(fill), cacheStatus(hit)]).toEqual(["miss", "hit"]);
      expect(shown(hit)).toEqual(shown(fill));
      expect(hit.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
      expect(hit.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
      expect(hit.headers.get("Strict-Transport-Security")).toBe(
        origin.startsWith("https:") ? "max-age=15552000; includeSubDomains" : null,
      );
      expect(hit.headers.get("Set-Cookie")).toContain("nimbus_session=");
      expect(fill.headers.get("Set-Cookie")).toContain("nimbus_session=");
    }
  });

  it("a page for one viewer alone still gets its ETag and 304; forms outside the cache are private, no-store", async () => {
    const visitor = new CacheBrowser();
    const form = await visitor.page("/links/new");
    expect(form.res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(form.res.headers.get("Set-Cookie")).toContain("nimbus_session=");

    // A flash makes the next list page this viewer's alone.
    const link = await createLink();
    const _csrf = form.html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";
    await visitor.submit(`/links/${link.id}/vote`, { _csrf, back: "/links" });
    const personal = await visitor.page("/links");
    expect(cacheStatus(personal.res)).toBe("private");
    expect(personal.res.headers.get("Cache-Control")).toBe("private, no-cache");
    const etag = personal.res.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);

    const hello = await fetchFrom(mainNode, "/hello");
    expect(hello.headers.get("Cache-Control")).toBeNull();
  });
});
