// The per-isolate memory tier stays within both of its caps, whatever is put in it.
import { describe, expect, it } from "vitest";
import type { Entry } from "../../../src/nimbus/cache/entry.ts";
import { entryBytes, MemoryTier } from "../../../src/nimbus/cache/tiers.ts";

function entry(body: string, staleInMs = 60_000): Entry {
  return {
    status: 200,
    headers: [["content-type", "text/html; charset=UTF-8"]],
    body,
    placeholder: null,
    etag: '"x"',
    token: undefined,
    freshUntil: Date.now() + staleInMs,
    staleUntil: Date.now() + staleInMs,
  };
}

describe("MemoryTier", () => {
  it("keeps at most `capacity` entries, dropping the least recently used", () => {
    const tier = new MemoryTier(3, 1024 * 1024);
    for (const key of ["a", "b", "c"]) tier.put(key, entry(key));
    tier.get("a"); // a is now the most recently used
    tier.put("d", entry("d"));
    expect(tier.size).toBe(3);
    expect(tier.get("b")).toBeUndefined();
    expect(tier.get("a")?.body).toBe("a");
  });

  it("keeps at most `maxBytes`, however many entries that is", () => {
    const page = "x".repeat(10_000);
    const cap = 8 * entryBytes(entry(page)) + 100;
    const tier = new MemoryTier(1_000_000, cap);
    for (let i = 0; i < 10_000; i++) {
      tier.put(`page-${i}`, entry(page));
      expect(tier.bytes).toBeLessThanOrEqual(cap);
    }
    expect(tier.size).toBe(8);
    expect(tier.get("page-9999")?.body).toBe(page);
    expect(tier.get("page-0")).toBeUndefined();
  });

  it("does not keep an entry bigger than an eighth of its bytes", () => {
    const tier = new MemoryTier(10, 80_000);
    tier.put("small", entry("s"));
    tier.put("huge", entry("h".repeat(20_000)));
    expect(tier.get("huge")).toBeUndefined();
    expect(tier.get("small")?.body).toBe("s");
  });

  it("counts bytes back when entries are replaced, expire or are cleared", () => {
    const tier = new MemoryTier(10, 1024 * 1024);
    tier.put("k", entry("one"));
    tier.put("k", entry("two, longer"));
    expect(tier.bytes).toBe(entryBytes(entry("two, longer")));
    tier.put("old", entry("gone", -1));
    expect(tier.get("old")).toBeUndefined();
    expect(tier.bytes).toBe(entryBytes(entry("two, longer")));
    tier.clear();
    expect(tier.bytes).toBe(0);
    expect(tier.size).toBe(0);
  });
});
