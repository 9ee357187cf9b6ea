import { describe, expect, it } from "vitest";
import { TagVersions } from "../../src/nimbus/cache/versions.ts";
import { newLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, demoNode, mainNode } from "./support/cache-nodes.ts";
import { appEnv } from "./support/live.ts";

/** The versions the family's object hands out now. */
const versionsOf = (family: string, tags: string[]) =>
  appEnv.NIMBUS_COORDINATOR.get(
    appEnv.NIMBUS_COORDINATOR.idFromName(`cache-versions:${family}`),
  ).readTags(tags);

describe("cache: concurrent bumps of one tag family go to its object together", () => {
  it("bumps asked while a call is in flight wait for it and share the next call; each resolves once its own call is acknowledged", async () => {
    const family = `batched-${Date.now()}`;
    const versions = new TagVersions(true, 0);
    const [base] = await versionsOf(family, [family]);
    const tags = Array.from({ length: 10 }, (_, i) => [family, `${family}:${i}`]);
    const bumps = tags.map((list) =>
      versions.bump(appEnv, list).then(async (bumped) => {
        // Acknowledged: the object already hands out (at least) what this bump got back.
        const [now] = await versionsOf(family, [family]);
        expect(now).toBeGreaterThanOrEqual(bumped.get(family) ?? Number.POSITIVE_INFINITY);
        return bumped;
      }),
    );
    const results = await Promise.all(bumps);
    const first = results[0]?.get(family) ?? 0;
    // The first went alone; the nine asked while it was in flight went together in one more call.
    expect(first).toBe((base ?? 0) + 1);
    for (const bumped of results.slice(1)) expect(bumped.get(family)).toBe(first + 1);
    expect(await versionsOf(family, [family])).toEqual([first + 1]);
    // Every record tag of every bump was carried, each moved once.
    const recordTags = tags.map((list) => String(list[1]));
    const after = await versionsOf(family, recordTags);
    expect(after).toEqual(recordTags.map((tag, i) => results[i]?.get(tag)));
    expect(after.every((v) => v > (base ?? 0))).toBe(true);
  });

  it("a failed call fails every bump it carried and no other; the family's next bumps go on", async () => {
    const family = `failing-${Date.now()}`;
    const versions = new TagVersions(true, 0);
    const inFlight = versions.bump(appEnv, [family]);
    // Sent by the first of them, with bindings that have no coordinator: the call fails.
    const broken = [versions.bump({}, [`${family}:1`]), versions.bump(appEnv, [`${family}:2`])];
    const outcomes = await Promise.allSettled([inFlight, ...broken]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/NIMBUS_COORDINATOR/);
    const [before] = await versionsOf(family, [`${family}:2`]);
    const again = await versions.bump(appEnv, [`${family}:2`]);
    expect(again.get(`${family}:2`)).toBe((before ?? 0) + 1);
  });

  it("a malformed tag is refused before it joins a batch: the bumps beside it still land", async () => {
    const family = `refused-batch-${Date.now()}`;
    const versions = new TagVersions(true, 0);
    const inFlight = versions.bump(appEnv, [family]);
    const bad = versions.bump(appEnv, [`${family}:1`, ""]);
    const good = versions.bump(appEnv, [`${family}:2`]);
    await expect(bad).rejects.toThrow(/non-empty string/);
    await inFlight;
    expect((await good).get(`${family}:2`)).toBeGreaterThan(0);
    expect(await versionsOf(family, [`${family}:2`])).toEqual([(await good).get(`${family}:2`)]);
  });

  it("concurrent creates: each one's response comes after the list's version moved, so a read right after it is fresh", async () => {
    const reader = new CacheBrowser(demoNode({ versionsMaxAgeMs: 0 }));
    await reader.page("/links");
    expect(cacheStatus((await reader.page("/links")).res)).toBe("hit");
    const links = Array.from({ length: 8 }, () => newLink());
    await Promise.all(
      links.map(async (link) => {
        const res = await new CacheBrowser(mainNode).json("/links", "POST", link);
        expect(res.status).toBe(201);
        expect((await reader.page("/links")).html).toContain(link.title);
      }),
    );
  });
});
