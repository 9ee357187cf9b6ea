import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createLink } from "./support/browser.ts";

interface Page {
  data: { id: number; title: string; url: string }[];
  meta: { page: number; perPage: number; hasNext: boolean };
}

async function page(query: string): Promise<Page> {
  const res = await api(`/links.json?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

async function problemFor(query: string): Promise<{ status: number; detail: string }> {
  return (await (await api(`/links.json?${query}`)).json()) as { status: number; detail: string };
}

describe("pagination, sorting and filtering", () => {
  beforeAll(async () => {
    await env.DB.prepare("DELETE FROM links").run();
    for (let i = 0; i < 25; i++) await createLink({ title: `Item ${String(i).padStart(2, "0")}` });
  });

  it("pages hold perPage rows and say whether more follow", async () => {
    const first = await page("");
    expect(first.data).toHaveLength(20);
    expect(first.meta).toEqual({ page: 1, perPage: 20, hasNext: true });
    const second = await page("page=2");
    expect(second.data).toHaveLength(5);
    expect(second.meta.hasNext).toBe(false);
    expect(new Set([...first.data, ...second.data].map((l) => l.id)).size).toBe(25);
    expect((await page("page=9")).data).toEqual([]);
    expect((await page("per_page=100")).data).toHaveLength(25);
  });

  it("out-of-range or malformed page params are 400s that say the range", async () => {
    for (const query of [
      "page=0",
      "page=-1",
      "page=abc",
      "page=1.5",
      "per_page=0",
      "per_page=101",
      "page=99999999999",
    ]) {
      const problem = await problemFor(query);
      expect(problem.status, query).toBe(400);
      expect(problem.detail, query).toMatch(/must be a whole number from 1 to/);
    }
  });

  it("sorts only by declared fields, ascending or descending", async () => {
    const asc = await page("sort=title&per_page=3");
    expect(asc.data.map((l) => l.title)).toEqual(["Item 00", "Item 01", "Item 02"]);
    const desc = await page("sort=-title&per_page=1");
    expect(desc.data[0]?.title).toBe("Item 24");
    const problem = await problemFor("sort=description");
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain("Sortable fields: title, createdAt");
  });

  it("filters only by declared fields", async () => {
    const one = (await page("per_page=1")).data[0];
    const filtered = await page(`filter[url]=${encodeURIComponent(one?.url ?? "")}`);
    expect(filtered.data.map((l) => l.id)).toEqual([one?.id]);
    const problem = await problemFor("filter[title]=x");
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain("Filterable fields: url");
  });

  it("the HTML index links to the next page, keeping none of the sort when none was given", async () => {
    const res = await api("/links", "GET", undefined, { Accept: "text/html" });
    expect(await res.text()).toContain('href="/links?page=2"');
  });
});
