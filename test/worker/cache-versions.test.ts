import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { sleep } from "nimbus-web/testing";
import { describe, expect, it } from "vitest";
import { TagVersions } from "../../src/nimbus/cache/versions.ts";
import { api, createLink, newLink } from "./support/browser.ts";
import { CacheBrowser, cacheStatus, demoNode } from "./support/cache-nodes.ts";
import { appEnv } from "./support/live.ts";

/** The coordinator object that keeps the versions of one tag family (`links`, `links:42`, ...). */
const familyObject = (family: string) =>
  appEnv.NIMBUS_COORDINATOR.get(appEnv.NIMBUS_COORDINATOR.idFromName(`cache-versions:${family}`));

const versionsOf = (family: string, tags: string[]) => familyObject(family).readTags(tags);

/** The tables the family's object has in its storage. */
const storedTables = (family: string) =>
  runInDurableObject(familyObject(family), (_, state) =>
    state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE name LIKE 'nimbus%' ORDER BY name",
      )
      .toArray()
      .map((row) => row.name),
  );

/** The error a bump of `tags` on its family's object is refused with, as text. */
async function refusal(tags: string[]): Promise<string> {
  try {
    await familyObject(String(tags[0])).bumpTags(tags);
    return "accepted";
  } catch (error) {
    return String(error);
  }
}

describe("cache: tag versions live in one object per tag family, in its memory", () => {
  it("a model write moves the table's and the record's versions together, in the table's object", async () => {
    const link = await createLink();
    const never = `links:never-${Date.now()}`;
    const tags = ["links", `links:${link.id}`, never];
    const [list, record, base] = await versionsOf("links", tags);
    // The list's and the new record's tags were bumped; a tag of the family never bumped was not.
    expect(list).toBeGreaterThan(base ?? 0);
    expect(record).toBeGreaterThan(base ?? 0);

    expect((await api(`/links/${link.id}`, "PATCH", { title: "Versions renamed" })).status).toBe(
      200,
    );
    const updated = await versionsOf("links", tags);
    expect(updated[0]).toBeGreaterThan(list ?? 0);
    expect(updated[1]).toBeGreaterThan(record ?? 0);
    expect(updated[2]).toBe(base);

    // A comment's write is its own family's: the link's versions stay where they were.
    const comment = await api(`/links/${link.id}/comments`, "POST", { author: "Ada", body: "Hi" });
    expect(comment.status).toBe(201);
    expect(await versionsOf("links", tags)).toEqual(updated);
    // A bump writes nothing per tag: the object stores its epoch and nothing else.
    expect(await storedTables("links")).toEqual(["nimbus_tag_epoch"]);
  });

  it("a restarted object forgets its versions and hands out higher ones: the family's entries are flushed, never revived", async () => {
    const reader = new CacheBrowser(demoNode({ versionsMaxAgeMs: 0 }));
    const first = await createLink();
    expect((await reader.page("/links")).html).toContain(first.title);
    const second = await createLink();
    const before = await reader.page("/links");
    expect(before.html).toContain(second.title);
    expect(cacheStatus((await reader.page("/links")).res)).toBe("hit");
    const [listBefore, recordBefore] = await versionsOf("links", ["links", `links:${second.id}`]);

    await evictDurableObject(familyObject("links"));
    const [listAfter, recordAfter] = await versionsOf("links", ["links", `links:${second.id}`]);
    expect(listAfter).toBeGreaterThan(listBefore ?? 0);
    expect(recordAfter).toBeGreaterThan(recordBefore ?? 0);
    // Every entry of the family is out of reach: regenerated, with everything written so far.
    const after = await reader.page("/links");
    expect(cacheStatus(after.res)).toBe("miss");
    expect(after.html).toContain(second.title);
    expect(cacheStatus((await reader.page("/links")).res)).toBe("hit");
  });

  it("the object refuses a malformed list of tags and changes nothing", async () => {
    const family = `refused-${Date.now()}`;
    const [before] = await familyObject(family).bumpTags([family]);
    const tooMany = Array.from({ length: 501 }, (_, i) => `${family}:${i}`);
    expect(await refusal([family, ...tooMany])).toMatch(/list of 0 to 500 non-empty strings/);
    expect(await refusal([family, 42 as unknown as string])).toMatch(/TypeError/);
    expect(await refusal([family, ""])).toMatch(/TypeError/);
    expect(await versionsOf(family, [family])).toEqual([before]);
  });

  it("local versions (one process, no coordination): a restarted node never serves an entry an earlier one left behind", async () => {
    // Two nodes that keep versions to themselves but share the Cache API, as one process's
    // isolates do across a restart: the second starts after the first wrote.
    const local = { versions: "local", memoryEntries: 0 } as const;
    const earlier = new CacheBrowser(demoNode(local));
    await earlier.page("/links");
    expect(cacheStatus((await earlier.page("/links")).res)).toBe("hit");
    const link = newLink();
    expect((await earlier.json("/links", "POST", link)).status).toBe(201);
    const mine = await earlier.page("/links");
    expect(cacheStatus(mine.res)).toBe("miss");
    expect(mine.html).toContain(link.title);

    await sleep(5);
    const restarted = await new CacheBrowser(demoNode(local)).page("/links");
    expect(cacheStatus(restarted.res)).toBe("miss");
    expect(restarted.html).toContain(link.title);
  });

  it("a write of more rows than one call carries bumps them all, in calls of at most 500 tags", async () => {
    const family = `many-${Date.now()}`;
    const tags = [family, ...Array.from({ length: 1200 }, (_, i) => `${family}:${i}`)];
    const [base] = await versionsOf(family, [family]);
    const bumped = await new TagVersions(true, 0).bump(appEnv, tags);
    expect(bumped.size).toBe(tags.length);
    for (let i = 0; i < tags.length; i += 500) {
      const chunk = tags.slice(i, i + 500);
      expect(await versionsOf(family, chunk)).toEqual(chunk.map((tag) => bumped.get(tag)));
    }
    expect([...bumped.values()].every((v) => v > (base ?? 0))).toBe(true);
    // Another node reads all 1,201 in the same calls and sees the same versions.
    expect(await new TagVersions(true, 0).read(appEnv, tags)).toEqual(
      tags.map((tag) => bumped.get(tag)),
    );
  });
});
