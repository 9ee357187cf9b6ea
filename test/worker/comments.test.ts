import { describe, expect, it } from "vitest";
import { api, Browser, createLink } from "./support/browser.ts";
import { rowCount } from "./support/db.ts";

interface CommentJson {
  id: number;
  linkId: number;
  author: string;
  body: string;
}

async function comment(linkId: number, body = "Nice find") {
  const res = await api(`/links/${linkId}/comments`, "POST", { author: "ada", body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: CommentJson }).data;
}

describe("comments nested under links", () => {
  it("are created under their link, which the path sets, not the body", async () => {
    const link = await createLink();
    const created = await comment(link.id);
    expect(created).toMatchObject({ linkId: link.id, author: "ada", body: "Nice find" });
    const forged = await api(`/links/${link.id}/comments`, "POST", {
      author: "x",
      body: "y",
      linkId: 1,
    });
    expect(forged.status).toBe(422);
  });

  it("are listed per link and hidden from other links", async () => {
    const a = await createLink();
    const b = await createLink();
    const onA = await comment(a.id, "on a");
    await comment(b.id, "on b");
    const list = (await (await api(`/links/${a.id}/comments`)).json()) as { data: CommentJson[] };
    expect(list.data.map((c) => c.body)).toEqual(["on a"]);
    expect((await api(`/links/${b.id}/comments/${onA.id}`)).status).toBe(404);
    expect((await api(`/links/${a.id}/comments/${onA.id}`)).status).toBe(200);
  });

  it("under a missing link are a 404 and nothing is written", async () => {
    const before = await rowCount("comments");
    expect((await api("/links/987654321/comments")).status).toBe(404);
    expect(
      (await api("/links/987654321/comments", "POST", { author: "a", body: "b" })).status,
    ).toBe(404);
    expect(await rowCount("comments")).toBe(before);
  });

  it("appear on the link's page, and the form posts back to it", async () => {
    const link = await createLink();
    const browser = new Browser();
    const _csrf = await browser.csrfFrom(`/links/${link.id}`);
    const res = await browser.submit(`/links/${link.id}/comments`, {
      _csrf,
      author: "grace",
      body: "Bookmarked",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/links/${link.id}`);
    const { html } = await browser.page(`/links/${link.id}`);
    expect(html).toContain("<strong>grace</strong>: Bookmarked");
    expect(html).toContain("Comment was created.");
  });

  it("go when their link is deleted", async () => {
    const link = await createLink();
    await comment(link.id);
    await comment(link.id);
    const before = await rowCount("comments");
    expect((await api(`/links/${link.id}`, "DELETE")).status).toBe(204);
    expect(await rowCount("comments")).toBe(before - 2);
  });
});
