import { describe, expect, it } from "vitest";
import { api, createLink } from "./support/browser.ts";
import {
  cacheStatus,
  demoNode,
  fetchFrom,
  type Node,
  withoutTokens,
} from "./support/cache-nodes.ts";

const PATHS = ["/links", "/links?page=2", "/links?sort=title", "/links.json?per_page=5"];

/** What an anonymous viewer is shown, tokens blanked (each first visit gets its own). */
async function shown(node: Node, path: string): Promise<string> {
  const res = await fetchFrom(node, path, {
    Accept: path.includes(".json") ? "application/json" : "text/html",
  });
  return `${res.status} ${withoutTokens(await res.text())}`;
}

describe("cache: losing it changes only speed, never what is shown", () => {
  it("a cached node, a restarted one, one that keeps nothing and one with the cache off agree after every write", async () => {
    const links = [await createLink(), await createLink(), await createLink()];
    const off = demoNode({ enabled: false });
    const cached = demoNode({ versionsMaxAgeMs: 0 });
    const evicting = demoNode({ versionsMaxAgeMs: 0, memoryEntries: 1, cacheApi: false });
    const writes: (() => Promise<Response>)[] = [
      () =>
        api("/links", "POST", {
          title: "Loss A",
          url: `https://example.com/loss/${Date.now()}`,
          description: "x",
        }),
      () => api(`/links/${links[0]?.id}`, "PATCH", { title: "Loss renamed" }),
      () => api(`/links/${links[1]?.id}/vote`, "POST", {}, { "CF-Connecting-IP": "192.0.2.99" }),
      () => api(`/links/${links[2]?.id}`, "DELETE"),
    ];
    let restarted = demoNode({ versionsMaxAgeMs: 0 });
    for (const [step, write] of writes.entries()) {
      for (const path of PATHS) {
        const truth = await shown(off, path);
        expect(await shown(cached, path), `${path} before write ${step}`).toBe(truth);
        expect(await shown(cached, path), `${path} again before write ${step}`).toBe(truth);
        expect(await shown(evicting, path)).toBe(truth);
        expect(await shown(restarted, path)).toBe(truth);
      }
      expect((await write()).status).toBeLessThan(300);
      // A restart: a new node with empty memory and no remembered versions.
      restarted = demoNode({ versionsMaxAgeMs: 0 });
    }
    const hit = await fetchFrom(cached, "/links.json?per_page=5");
    await fetchFrom(cached, "/links.json?per_page=5");
    expect(["hit", "miss"]).toContain(cacheStatus(hit));
    expect(cacheStatus(await fetchFrom(cached, "/links.json?per_page=5"))).toBe("hit");
  });
});
