import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createLink } from "./support/browser.ts";
import { appEnv } from "./support/live.ts";

/** The coordinator object that keeps the versions of one tag family (`links`, `links:42`, ...). */
const familyObject = (family: string) =>
  appEnv.NIMBUS_COORDINATOR.get(appEnv.NIMBUS_COORDINATOR.idFromName(`cache-versions:${family}`));

const versionsOf = (family: string, tags: string[]) => familyObject(family).readTags(tags);

/** The tags the family's object holds rows for, of those asked. */
const storedTags = (family: string, tags: string[]) =>
  runInDurableObject(familyObject(family), (_, state) =>
    state.storage.sql
      .exec<{ tag: string }>(
        "SELECT tag FROM nimbus_tag_versions WHERE tag IN (SELECT value FROM json_each(?)) ORDER BY tag",
        JSON.stringify(tags),
      )
      .toArray()
      .map((row) => row.tag),
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

describe("cache: tag versions live in one object per tag family", () => {
  it("a model write moves the table's and the record's versions together, in the table's object", async () => {
    const link = await createLink();
    const tags = ["links", `links:${link.id}`];
    expect(await storedTags("links", tags)).toEqual([...tags].sort());
    const created = await versionsOf("links", tags);
    expect(created.every((v) => v > 0)).toBe(true);

    expect((await api(`/links/${link.id}`, "PATCH", { title: "Versions renamed" })).status).toBe(
      200,
    );
    const updated = await versionsOf("links", tags);
    expect(updated[0]).toBeGreaterThan(created[0] ?? 0);
    expect(updated[1]).toBeGreaterThan(created[1] ?? 0);

    // A comment's write is its own family's: the link's versions stay where they were.
    const comment = await api(`/links/${link.id}/comments`, "POST", { author: "Ada", body: "Hi" });
    expect(comment.status).toBe(201);
    expect(await versionsOf("links", tags)).toEqual(updated);
    expect((await versionsOf("comments", ["comments"]))[0]).toBeGreaterThan(0);
  });

  it("a tag never bumped reads 0 and leaves nothing stored", async () => {
    const family = `never-${Date.now()}`;
    expect(await versionsOf(family, [family, `${family}:1`])).toEqual([0, 0]);
    expect(
      await runInDurableObject(familyObject(family), (_, state) =>
        state.storage.sql
          .exec("SELECT name FROM sqlite_master WHERE name = 'nimbus_tag_versions'")
          .toArray(),
      ),
    ).toEqual([]);
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
});
