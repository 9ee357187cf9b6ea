import { describe, expect, it } from "vitest";
import { api, Browser, createLink, newLink } from "./support/browser.ts";
import { rowCount } from "./support/db.ts";

describe("only declared fields are writable", () => {
  it("JSON naming an undeclared field is a 422 naming it, and writes nothing", async () => {
    const before = await rowCount("links");
    for (const extra of [{ id: 5 }, { createdAt: "2020-01-01T00:00:00Z" }, { votes: 9 }]) {
      const res = await api("/links", "POST", newLink(extra));
      expect(res.status).toBe(422);
      const { errors } = (await res.json()) as { errors: Record<string, string[]> };
      expect(Object.keys(errors)).toEqual(Object.keys(extra));
      expect(errors[Object.keys(extra)[0] ?? ""]?.[0]).toContain(
        "is not a writable field (writable: title, url, description)",
      );
    }
    expect(await rowCount("links")).toBe(before);
  });

  it("an update can't move a record to another id", async () => {
    const link = await createLink();
    const res = await api(`/links/${link.id}`, "PATCH", { id: 1, title: "x" });
    expect(res.status).toBe(422);
    expect((await api(`/links/${link.id}`)).status).toBe(200);
  });

  it("a form with an extra field is refused too", async () => {
    const browser = new Browser();
    const _csrf = await browser.csrfFrom("/links/new");
    const res = await browser.submit("/links", { _csrf, ...newLink(), updatedAt: "2000-01-01" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Updated at is not a writable field");
  });
});
