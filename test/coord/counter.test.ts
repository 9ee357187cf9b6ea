import { describe, expect, it } from "vitest";
import { coordination } from "../../src/nimbus/coord/index.ts";
import { coordEnv, worker } from "./helpers.ts";

describe("counter", () => {
  it("1,000 concurrent increments give exactly 1,000", async () => {
    const votes = coordination(coordEnv).counter("votes:concurrent");
    const results = await Promise.all(Array.from({ length: 1000 }, () => votes.increment()));
    expect(await votes.get()).toBe(1000);
    // Every increment saw a distinct total: none was lost or applied twice.
    expect(new Set(results).size).toBe(1000);
    expect(Math.max(...results)).toBe(1000);
  });

  it("concurrent requests through the app are counted exactly", async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => worker.fetch("http://app/votes/7", { method: "POST" })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(await coordination(coordEnv).counter("votes:7").get()).toBe(100);
  });

  it("adds by any integer, keeps names apart, and rejects fractions", async () => {
    const coord = coordination(coordEnv);
    expect(await coord.counter("a").get()).toBe(0);
    expect(await coord.counter("a").increment(5)).toBe(5);
    expect(await coord.counter("a").increment(-2)).toBe(3);
    expect(await coord.counter("b").get()).toBe(0);
    await expect(coord.counter("a").increment(0.5)).rejects.toThrow(/integers/);
    expect(() => coord.counter("")).toThrow(/non-empty/);
  });
});
