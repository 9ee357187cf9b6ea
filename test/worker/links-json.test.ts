import { describe, expect, it } from "vitest";
import { api, createLink, newLink } from "./support/browser.ts";
import { rowCount } from "./support/db.ts";

interface LinkJson {
  id: number;
  title: string;
  url: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

describe("links as a JSON API", () => {
  it("index answers JSON for the .json suffix and for Accept", async () => {
    const link = await createLink();
    for (const res of [await api("/links.json"), await api("/links")]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toContain("application/json");
      const body = (await res.json()) as {
        data: LinkJson[];
        meta: { page: number; perPage: number };
      };
      expect(body.meta).toMatchObject({ page: 1, perPage: 20 });
      expect(body.data[0]?.id).toBe(link.id);
    }
  });

  it("create answers 201 with the record and its Location", async () => {
    const input = newLink({ description: null });
    const res = await api("/links", "POST", input);
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: LinkJson };
    expect(data).toMatchObject({ title: input.title, url: input.url, description: null });
    expect(res.headers.get("Location")).toBe(`/links/${data.id}`);
    expect(Date.parse(data.createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("show answers one record by id", async () => {
    const link = await createLink();
    const res = await api(`/links/${link.id}.json`, "GET", undefined, { Accept: "*/*" });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: LinkJson & { comments: unknown[] } };
    expect(data).toMatchObject({ id: link.id, title: link.title, comments: [] });
  });

  it("PATCH changes only the fields sent", async () => {
    const link = await createLink({ description: "keep me" });
    const res = await api(`/links/${link.id}`, "PATCH", { title: "Patched" });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: LinkJson };
    expect(data).toMatchObject({
      id: link.id,
      title: "Patched",
      url: link.url,
      description: "keep me",
    });
  });

  it("DELETE answers 204, then the record is gone", async () => {
    const link = await createLink();
    expect((await api(`/links/${link.id}`, "DELETE")).status).toBe(204);
    expect((await api(`/links/${link.id}`)).status).toBe(404);
  });

  it("invalid input is 422 problem details with every field's messages, and nothing is written", async () => {
    const before = await rowCount("links");
    const res = await api("/links", "POST", {
      title: "",
      url: "javascript:alert(1)",
      description: 5,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = (await res.json()) as { status: number; errors: Record<string, string[]> };
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual({
      title: ["can't be blank"],
      url: ["must be a valid http(s) URL"],
      description: ["must be a string"],
    });
    expect(await rowCount("links")).toBe(before);
  });

  it("a url already taken is a field error, not a 500", async () => {
    const link = await createLink();
    const res = await api("/links", "POST", newLink({ url: link.url }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual({
      url: ["has already been taken"],
    });
  });

  it("a required field left out is reported as required", async () => {
    const res = await api("/links", "POST", { title: "No url" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual({ url: ["is required"] });
  });

  it("new and edit are pages for browsers only", async () => {
    const link = await createLink();
    expect((await api("/links/new.json")).status).toBe(404);
    expect((await api(`/links/${link.id}/edit.json`)).status).toBe(404);
  });
});
