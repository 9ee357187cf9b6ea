import { describe, expect, it } from "vitest";
import { Browser, createLink, newLink } from "./support/browser.ts";
import { rowCount } from "./support/db.ts";

describe("links as HTML pages", () => {
  it("index lists links newest first, with a link to the form", async () => {
    const older = await createLink();
    const newer = await createLink();
    const { res, html } = await new Browser().page("/links");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('href="/links/new"');
    expect(html.indexOf(newer.title)).toBeGreaterThan(-1);
    expect(html.indexOf(newer.title)).toBeLessThan(html.indexOf(older.title));
  });

  it("new shows an empty form carrying a CSRF token", async () => {
    const { res, html } = await new Browser().page("/links/new");
    expect(res.status).toBe(200);
    expect(html).toMatch(/<form action="\/links" method="post">/);
    expect(html).toMatch(/name="_csrf" value="[0-9a-f-]{36}"/);
    expect(html).toContain('name="title"');
    expect(res.headers.get("Set-Cookie")).toMatch(/nimbus_session=.*HttpOnly.*SameSite=Lax/);
  });

  it("create redirects to the new link and flashes once", async () => {
    const browser = new Browser();
    const _csrf = await browser.csrfFrom("/links/new");
    const link = newLink();
    const res = await browser.submit("/links", { _csrf, ...link });
    expect(res.status).toBe(303);
    const location = res.headers.get("Location") ?? "";
    expect(location).toMatch(/^\/links\/\d+$/);
    const shown = await browser.page(location);
    expect(shown.html).toContain(link.title);
    expect(shown.html).toContain("Link was created.");
    const again = await browser.page(location);
    expect(again.html).not.toContain("Link was created.");
  });

  it("a blank title re-renders the form with 422, the message, and the user's input", async () => {
    const browser = new Browser();
    const _csrf = await browser.csrfFrom("/links/new");
    const before = await rowCount("links");
    const res = await browser.submit("/links", {
      _csrf,
      title: "  ",
      url: "https://kept.example/typed",
      description: "",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Title can&#39;t be blank");
    expect(html).toContain('value="https://kept.example/typed"');
    expect(html).toContain('aria-invalid="true"');
    expect(await rowCount("links")).toBe(before);
  });

  it("show, edit and update through the form", async () => {
    const link = await createLink();
    const browser = new Browser();
    const shown = await browser.page(`/links/${link.id}`);
    expect(shown.res.status).toBe(200);
    expect(shown.html).toContain(link.title);
    const edit = await browser.page(`/links/${link.id}/edit`);
    expect(edit.html).toContain(`value="${link.title}"`);
    expect(edit.html).toContain('name="_method" value="PATCH"');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(edit.html)?.[1] ?? "";
    const res = await browser.submit(`/links/${link.id}`, {
      _csrf,
      _method: "PATCH",
      title: "Renamed",
      url: link.url,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/links/${link.id}`);
    const after = await browser.page(`/links/${link.id}`);
    expect(after.html).toContain("Renamed");
    expect(after.html).toContain("Link was updated.");
  });

  it("an invalid update shows the edit form again and changes nothing", async () => {
    const link = await createLink();
    const browser = new Browser();
    const _csrf = await browser.csrfFrom(`/links/${link.id}/edit`);
    const res = await browser.submit(`/links/${link.id}`, {
      _csrf,
      _method: "PATCH",
      title: "",
      url: "not a url",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("URL must be a valid http(s) URL");
    const json = (await (await new Browser().request(`/links/${link.id}.json`)).json()) as {
      data: { title: string };
    };
    expect(json.data.title).toBe(link.title);
  });

  it("destroy through the form's DELETE button", async () => {
    const link = await createLink();
    const browser = new Browser();
    const _csrf = await browser.csrfFrom(`/links/${link.id}`);
    const res = await browser.submit(`/links/${link.id}`, { _csrf, _method: "DELETE" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/links");
    expect((await browser.page("/links")).html).toContain("Link was deleted.");
    expect((await browser.page(`/links/${link.id}`)).res.status).toBe(404);
  });

  it("a POST to a record without _method is a 405", async () => {
    const link = await createLink();
    const browser = new Browser();
    const _csrf = await browser.csrfFrom(`/links/${link.id}`);
    expect((await browser.submit(`/links/${link.id}`, { _csrf })).status).toBe(405);
  });
});
