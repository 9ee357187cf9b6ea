import { describe, expect, it } from "vitest";
import { coordination } from "../../src/nimbus/coord/index.ts";
import { coordEnv, sleep, worker } from "./helpers.ts";

const coord = coordination(coordEnv);

describe("rateLimit", () => {
  it("lets exactly N through under concurrency", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () => coord.rateLimit("ip:1", { limit: 10, window: 60 })),
    );
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(10);
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    for (const denied of results.filter((r) => !r.allowed)) {
      expect(denied.remaining).toBe(0);
      expect(denied.retryAfter).toBeGreaterThanOrEqual(59);
      expect(denied.retryAfter).toBeLessThanOrEqual(60);
    }
    // Another key has its own budget.
    expect((await coord.rateLimit("ip:2", { limit: 10, window: 60 })).allowed).toBe(true);
  });

  it("slides: a slot frees once its hit leaves the window", async () => {
    const opts = { limit: 2, window: 0.4 };
    expect((await coord.rateLimit("slide", opts)).allowed).toBe(true);
    await sleep(200);
    expect((await coord.rateLimit("slide", opts)).allowed).toBe(true);
    const denied = await coord.rateLimit("slide", opts);
    expect(denied).toMatchObject({ allowed: false, remaining: 0, retryAfter: 1 });
    await sleep(250); // the first hit has left the window, the second has not
    expect((await coord.rateLimit("slide", opts)).allowed).toBe(true);
    expect((await coord.rateLimit("slide", opts)).allowed).toBe(false);
  });

  it("rejects nonsense limits", async () => {
    await expect(coord.rateLimit("k", { limit: 0, window: 1 })).rejects.toThrow(
      /positive integer limit/,
    );
    await expect(coord.rateLimit("k", { limit: 1, window: -1 })).rejects.toThrow(
      /window must be a positive/,
    );
  });
});

describe("rateLimited middleware", () => {
  const get = (client: string, accept = "text/html") =>
    worker.fetch("http://app/limited", { headers: { "x-client": client, accept } });

  it("answers 429 with Retry-After after the limit, per key", async () => {
    const statuses = await Promise.all(Array.from({ length: 8 }, () => get("mw-a")));
    expect(statuses.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    const ok = statuses.find((r) => r.status === 200);
    expect(ok?.headers.get("RateLimit-Limit")).toBe("3");
    const text = await get("mw-a");
    expect(text.status).toBe(429);
    expect(text.headers.get("Retry-After")).toMatch(/^(59|60)$/);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toMatch(/limit is 3 per 60 s\. Try again in (59|60) s/);
    expect((await get("mw-b")).status).toBe(200);
  });

  it("speaks problem+json to JSON clients", async () => {
    for (let i = 0; i < 3; i++) await get("mw-json", "application/json");
    const res = await get("mw-json", "application/json");
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 429, title: "Too Many Requests", type: "about:blank" });
    expect(body.detail).toMatch(/Try again in (59|60) s/);
    expect(res.headers.get("Retry-After")).toMatch(/^(59|60)$/);
  });
});
