import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import nimbusLinks from "../../scripts/compare/nimbus/links.ts";
import plainLinks from "../../scripts/compare/plain-hono/links.tsx";
import { newLink } from "./support/browser.ts";

// The two Links apps whose lines scripts/compare counts must both really work.
const apps = { nimbus: nimbusLinks, "plain hono": plainLinks };
const testEnv = { ...env, NIMBUS_ENV: "development", SESSION_SECRET: "compare" };

describe.each(Object.entries(apps))("the %s Links example", (_, app) => {
  it("creates, lists, shows, validates, updates and deletes over JSON", async () => {
    const json = { "Content-Type": "application/json", Accept: "application/json" };
    const input = newLink();
    const created = await app.request(
      "/links",
      { method: "POST", headers: json, body: JSON.stringify(input) },
      testEnv,
    );
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { id: number } };
    const list = (await (await app.request("/links", { headers: json }, testEnv)).json()) as {
      data: { id: number }[];
    };
    expect(list.data.some((l) => l.id === data.id)).toBe(true);
    expect((await app.request(`/links/${data.id}`, { headers: json }, testEnv)).status).toBe(200);
    const invalid = await app.request(
      "/links",
      { method: "POST", headers: json, body: JSON.stringify({ title: "", url: "x" }) },
      testEnv,
    );
    expect(invalid.status).toBe(422);
    const patched = await app.request(
      `/links/${data.id}`,
      { method: "PATCH", headers: json, body: JSON.stringify({ title: "New" }) },
      testEnv,
    );
    expect(patched.status).toBe(200);
    expect(
      (await app.request(`/links/${data.id}`, { method: "DELETE", headers: json }, testEnv)).status,
    ).toBe(204);
    expect((await app.request(`/links/${data.id}`, { headers: json }, testEnv)).status).toBe(404);
  });

  it("renders the list and the form as HTML", async () => {
    const page = await app.request("/links", { headers: { Accept: "text/html" } }, testEnv);
    expect(page.status).toBe(200);
    expect(await (await app.request("/links/new", {}, testEnv)).text()).toContain('name="title"');
  });
});
