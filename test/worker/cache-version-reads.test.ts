import { describe, expect, it } from "vitest";
import { TagVersions } from "../../src/nimbus/cache/versions.ts";
import { appEnv } from "./support/live.ts";

describe("cache: tag-version reads shared by concurrent requests", () => {
  it("the read that sends the call hands it to its request's waitUntil; readers joining it and known versions send nothing", async () => {
    const family = `kept-read-${Date.now()}`;
    const versions = new TagVersions(true, 60_000);
    const kept: Promise<unknown>[] = [];
    const joined: Promise<unknown>[] = [];
    const first = versions.read(appEnv, [family, `${family}:1`], {
      keepAlive: (work) => kept.push(work),
    });
    // Another request asking meanwhile waits on the same call: it sends (and keeps) nothing.
    const second = versions.read(appEnv, [family], { keepAlive: (work) => joined.push(work) });
    expect(kept).toHaveLength(1);
    expect(joined).toHaveLength(0);
    const [a, b] = await Promise.all([first, second]);
    // The object's versions (its epoch, before any bump), the same for both readers.
    expect(a).toHaveLength(2);
    expect(b).toEqual([a[0]]);
    await expect(kept[0]).resolves.toBeUndefined();
    // Known now: answered without a call or a promise.
    expect(versions.read(appEnv, [family], { keepAlive: (work) => joined.push(work) })).toEqual([
      a[0],
    ]);
    expect(joined).toHaveLength(0);
  });
});
