import { csrfIn } from "nimbus-web/testing";
import { describe, expect, it } from "vitest";
import { createLink, newLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, tokensIn, withoutTokens } from "./support/cache-nodes.ts";
import { appEnv } from "./support/live.ts";
import { freshIp } from "./support/visitor.ts";

const browser = () => new CacheBrowser(undefined, { "CF-Connecting-IP": freshIp() });

async function signIn(visitor: CacheBrowser): Promise<void> {
  const _csrf = csrfIn((await visitor.page("/session/new")).html, "/session");
  const res = await visitor.submit("/session", { _csrf, password: appEnv.EDITOR_PASSWORD ?? "" });
  expect(res.status).toBe(303);
}

describe("cache: a viewer never receives a page rendered for another", () => {
  it("a signed-in editor and an anonymous visitor each see their own page, never the other's", async () => {
    const link = await createLink();
    const editor = browser();
    const visitor = browser();
    await signIn(editor);
    await editor.page("/links"); // shows the sign-in flash, once

    const anonymous = await visitor.page("/links");
    const anonymousAgain = await visitor.page("/links");
    expect(cacheStatus(anonymousAgain.res)).toBe("hit");
    const editors = await editor.page("/links");
    const editorsAgain = await editor.page("/links");

    for (const page of [editors, editorsAgain]) {
      expect(cacheStatus(page.res)).toBe("private");
      expect(page.res.headers.get("Cache-Control")).toContain("private");
      expect(page.html).toMatch(/class="session-bar">Signed in as editor/);
      expect(page.html).toContain(link.title);
    }
    for (const page of [anonymous, anonymousAgain]) {
      expect(page.html).not.toContain("Signed in as editor");
      expect(page.html).toContain('<a href="/session/new">Sign in</a>');
      expect(page.res.headers.get("Cache-Control")).toContain("private");
    }
    const editorTokens = new Set(tokensIn(editors.html));
    const visitorTokens = new Set(tokensIn(anonymousAgain.html));
    expect(editorTokens.size).toBe(1);
    expect(visitorTokens.size).toBe(1);
    for (const token of editorTokens) expect(anonymousAgain.html).not.toContain(token);
    for (const token of visitorTokens) expect(editors.html).not.toContain(token);
  });

  it("two anonymous visitors share the cached page, each with their own working CSRF token", async () => {
    const link = await createLink();
    const first = browser();
    const second = browser();
    const a = await first.page("/links");
    const b = await second.page("/links");
    expect(cacheStatus(b.res)).toBe("hit");
    expect(withoutTokens(a.html)).toBe(withoutTokens(b.html));
    const [tokenA] = tokensIn(a.html);
    const [tokenB] = tokensIn(b.html);
    expect(tokenA).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokenB).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokenA).not.toBe(tokenB);
    expect(new Set(tokensIn(b.html))).toEqual(new Set([tokenB]));

    // The token each was given by the cache is the one their session accepts.
    const voted = await second.submit(`/links/${link.id}/vote`, {
      _csrf: csrfIn(b.html, `/links/${link.id}/vote`),
      back: "/links",
    });
    expect(voted.status).toBe(303);
    const swapped = await first.submit(`/links/${link.id}/vote`, {
      _csrf: tokenB ?? "",
      back: "/links",
    });
    expect(swapped.status).toBe(403);
  });

  it("a flash goes to its own viewer only; a cached hit sets no cookie", async () => {
    const writer = browser();
    const reader = browser();
    await reader.page("/links");
    const _csrf = csrfIn((await writer.page("/links/new")).html);
    const link = newLink();
    expect((await writer.submit("/links", { _csrf, ...link })).status).toBe(303);

    const writers = await writer.page("/links");
    expect(cacheStatus(writers.res)).toBe("private");
    expect(writers.html).toContain("Link was created.");
    const readers = await reader.page("/links");
    expect(readers.html).toContain(link.title);
    expect(readers.html).not.toContain("Link was created.");
    const again = await reader.page("/links");
    expect(cacheStatus(again.res)).toBe("hit");
    expect(again.res.headers.getSetCookie()).toEqual([]);
    // The writer's flash is gone on its next page, which the cache may now serve.
    expect((await writer.page("/links")).html).not.toContain("Link was created.");
  });
});
