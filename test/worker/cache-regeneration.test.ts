import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { cached, cacheResponse, createApp, desc, invalidate } from "nimbus-web";
import { sleep } from "nimbus-web/testing";
import { describe, expect, it } from "vitest";
import { links } from "../../src/models/link.ts";
import { createLink } from "./support/browser.ts";
import { cacheStatus } from "./support/cache-nodes.ts";

/** A small app on the demo's database: custom routes that count how often they really run. */
function counterApp() {
  const runs = { slow: 0, clock: 0, top: 0 };
  const app = createApp({ cache: { versionsMaxAgeMs: 0 } })
    .get("/slow", cacheResponse({ ttl: 60, tags: ["slow"] }), async (c) => {
      runs.slow += 1;
      await sleep(50);
      return c.json({ run: runs.slow });
    })
    .get("/clock", cacheResponse({ ttl: 1, staleWhileRevalidate: 60 }), (c) => {
      runs.clock += 1;
      return c.json({ run: runs.clock });
    })
    .get("/top", async (c) => {
      const top = await cached(c, "top-link", { ttl: 60, tags: ["links"] }, async () => {
        runs.top += 1;
        return c.var.db.select().from(links).orderBy(desc(links.id)).limit(1).get();
      });
      return c.json({ id: top?.id, createdAt: top?.createdAt instanceof Date });
    })
    .post("/bump", async (c) => {
      await invalidate(c, "slow");
      return c.body(null, 204);
    });
  const fetch = async (path: string, method = "GET") => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`http://nimbus.test${path}`, { method }), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { runs, fetch };
}

describe("cache: regeneration", () => {
  it("stampede protection: concurrent misses of one key regenerate it once on a node", async () => {
    const { runs, fetch } = counterApp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch("/slow")));
    expect(runs.slow).toBe(1);
    expect(answers.filter((res) => cacheStatus(res) === "miss")).toHaveLength(1);
    for (const res of answers) expect(await res.json()).toEqual({ run: 1 });

    expect((await fetch("/bump", "POST")).status).toBe(204);
    await Promise.all(Array.from({ length: 10 }, () => fetch("/slow")));
    expect(runs.slow).toBe(2);
  });

  it("stale-while-revalidate: after ttl the old entry is served once while it is refreshed", async () => {
    const { runs, fetch } = counterApp();
    expect(await (await fetch("/clock")).json()).toEqual({ run: 1 });
    await sleep(1100);
    const stale = await fetch("/clock");
    expect(cacheStatus(stale)).toBe("stale");
    expect(await stale.json()).toEqual({ run: 1 });
    // The refresh ran after that response (waitUntil); the next read has it.
    expect(runs.clock).toBe(2);
    const fresh = await fetch("/clock");
    expect(cacheStatus(fresh)).toBe("hit");
    expect(await fresh.json()).toEqual({ run: 2 });
  });

  it("cached(): a value kept across requests, dropped by a model write to its tag; Dates survive", async () => {
    const { runs, fetch } = counterApp();
    await createLink();
    const first = (await (await fetch("/top")).json()) as { id: number; createdAt: boolean };
    expect(first.createdAt).toBe(true);
    const second = (await (await fetch("/top")).json()) as { id: number; createdAt: boolean };
    expect(second).toEqual(first); // from the cache, the Date revived
    expect(runs.top).toBe(1);
    const link = await createLink(); // a write through the demo: bumps "links" in the shared versions
    const after = (await (await fetch("/top")).json()) as { id: number; createdAt: boolean };
    expect(after).toEqual({ id: link.id, createdAt: true });
    expect(runs.top).toBe(2);
  });
});
