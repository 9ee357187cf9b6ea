import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, demoNode } from "./support/cache-nodes.ts";

const SECRET = "bypass-secret-for-this-test";
/** The demo with the operator's bypass secret set: requests carrying it skip the cache. */
const node = demoNode(undefined, { ...env, NIMBUS_CACHE_BYPASS: SECRET });

/** The ETag Nimbus gives a body: the first 128 bits of its SHA-256, quoted. */
async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0"));
  return `"${hex.join("")}"`;
}

describe("an uncached page (bypass): its ETag is the body's, and conditional GETs work", () => {
  it("the rendered page carries the ETag of exactly the bytes sent; 304 when unchanged, 200 when changed", async () => {
    await createLink();
    const visitor = new CacheBrowser(node, { "Nimbus-Cache-Bypass": SECRET });
    const first = await visitor.page("/links");
    expect(first.res.status).toBe(200);
    expect(cacheStatus(first.res)).toBe("private");
    expect(first.res.headers.get("Cache-Control")).toBe("private, no-cache");
    expect(first.res.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(first.html).toMatch(/^<!DOCTYPE html>/);
    const etag = first.res.headers.get("ETag") ?? "";
    expect(etag).toBe(await etagOf(first.html));

    const again = await visitor.request("/links", {
      headers: { Accept: "text/html", "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe("");

    const added = await createLink();
    const changed = await visitor.request("/links", {
      headers: { Accept: "text/html", "If-None-Match": etag },
    });
    expect(changed.status).toBe(200);
    const html = await changed.text();
    expect(html).toContain(`data-id="${added.id}"`);
    expect(changed.headers.get("ETag")).toBe(await etagOf(html));
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });

  it("a page that can't be shared (a flash) carries the ETag of the bytes sent, with the viewer's token", async () => {
    const visitor = new CacheBrowser(node);
    const form = await visitor.page("/links/new");
    const link = await createLink();
    const _csrf = form.html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";
    await visitor.submit(`/links/${link.id}/vote`, { _csrf, back: "/links" });
    const personal = await visitor.page("/links");
    expect(cacheStatus(personal.res)).toBe("private");
    expect(personal.res.headers.get("ETag")).toBe(await etagOf(personal.html));
  });
});
