import { env } from "cloudflare:workers";
import { createApp } from "nimbus-web";
import { describe, expect, it } from "vitest";
import { api, Browser, newLink } from "./support/browser.ts";
import { rowCount } from "./support/db.ts";

/** An app of the framework's own, with a route that fails, to see what users of a broken app see. */
function failingApp(bodyLimit?: number) {
  return createApp({ logRequests: false, ...(bodyLimit && { bodyLimit }) })
    .get("/boom", () => {
      throw new Error("kaboom in a handler");
    })
    .post("/echo", async (c) => c.json(await c.var.body()));
}

describe("errors", () => {
  it("an unknown route is a 404 page, or problem details for JSON", async () => {
    const page = await new Browser().page("/nowhere");
    expect(page.res.status).toBe(404);
    expect(page.html).toContain("Nothing is at /nowhere.");
    const res = await api("/nowhere.json");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      status: 404,
      title: "Not Found",
      instance: "/nowhere.json",
    });
  });

  it("a missing record, a non-numeric id and an id too large are 404s", async () => {
    expect((await api("/links/987654321")).status).toBe(404);
    expect((await api("/links/abc")).status).toBe(404);
    expect((await api("/links/99999999999999999999")).status).toBe(404);
  });

  it("malformed JSON is a 400 and writes nothing", async () => {
    const before = await rowCount("links");
    const res = await api("/links", "POST", '{"title": "half');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ detail: "The request body is not valid JSON." });
    expect((await api("/links", "POST", "[1,2]")).status).toBe(400);
    expect(await rowCount("links")).toBe(before);
  });

  it("a body type Nimbus can't read is a 415", async () => {
    const res = await api("/links", "POST", "title=x", { "Content-Type": "text/csv" });
    expect(res.status).toBe(415);
  });

  it("a body over the limit is a 413 and writes nothing", async () => {
    const before = await rowCount("links");
    const res = await api("/links", "POST", newLink({ description: "x".repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(await rowCount("links")).toBe(before);
  });

  it("a streamed body without Content-Length is still limited", async () => {
    const app = failingApp(100);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++)
          controller.enqueue(new TextEncoder().encode(`{"k${i}":"${"y".repeat(20)}",`));
        controller.close();
      },
    });
    const res = await app.request(
      "/echo",
      { method: "POST", body: stream, headers: { "Content-Type": "application/json" } },
      env,
    );
    expect(res.status).toBe(413);
    const ok = await app.request(
      "/echo",
      { method: "POST", body: '{"a":1}', headers: { "Content-Type": "application/json" } },
      env,
    );
    expect(await ok.json()).toEqual({ kind: "json", data: { a: 1 } });
  });

  it("paths that keep their raw body (rawBodyPaths) skip the check; every other body is still checked", async () => {
    const app = createApp({ logRequests: false, rawBodyPaths: ["/hooks/"] })
      .post("/hooks/csv", async (c) => c.text(await c.req.text()))
      .post("/other", (c) => c.text("read"));
    const send = (path: string) =>
      app.request(
        path,
        { method: "POST", body: "a,b\n1,2", headers: { "Content-Type": "text/csv" } },
        env,
      );
    const raw = await send("/hooks/csv");
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe("a,b\n1,2");
    expect((await send("/other")).status).toBe(415);
  });

  it("a body read in one go (Content-Length declared) is limited by its real size too", async () => {
    const app = failingApp(100);
    const big = JSON.stringify({ k: "y".repeat(200) });
    const declared = (length: string) =>
      app.request(
        "/echo",
        {
          method: "POST",
          body: big,
          headers: { "Content-Type": "application/json", "Content-Length": length },
        },
        env,
      );
    expect((await declared(String(big.length))).status).toBe(413);
    // A Request made in code may declare less than it carries: still refused, never read past the limit unnoticed.
    expect((await declared("10")).status).toBe(413);
    const small = JSON.stringify({ a: "b" });
    const ok = await app.request(
      "/echo",
      {
        method: "POST",
        body: small,
        headers: { "Content-Type": "application/json", "Content-Length": String(small.length) },
      },
      env,
    );
    expect(await ok.json()).toEqual({ kind: "json", data: { a: "b" } });
  });

  it("an exception is a 500 page with the stack in development only", async () => {
    const app = failingApp();
    const dev = await app.request(
      "/boom",
      { headers: { Accept: "text/html" } },
      { ...env, NIMBUS_ENV: "development" },
    );
    expect(dev.status).toBe(500);
    const devHtml = await dev.text();
    expect(devHtml).toContain("kaboom in a handler");
    expect(devHtml).toContain("<pre>");
    const prod = await app.request(
      "/boom",
      { headers: { Accept: "text/html" } },
      { ...env, NIMBUS_ENV: "production", SESSION_SECRET: "s3cret" },
    );
    expect(prod.status).toBe(500);
    const prodHtml = await prod.text();
    expect(prodHtml).not.toContain("kaboom");
    expect(prodHtml).toContain("Request id:");
    const json = await app.request(
      "/boom",
      { headers: { Accept: "application/json" } },
      { ...env, NIMBUS_ENV: "production", SESSION_SECRET: "s3cret" },
    );
    expect(await json.json()).toMatchObject({
      status: 500,
      detail: "Something went wrong on our side. It was logged.",
    });
  });

  it("outside development, a missing SESSION_SECRET is a 500 that says what to set", async () => {
    const res = await failingApp().request(
      "/boom",
      { headers: { Accept: "application/json" } },
      { ...env, NIMBUS_ENV: "production" },
    );
    expect(res.status).toBe(500);
    // The reason goes to the log, not to the visitor.
    expect(JSON.stringify(await res.json())).not.toContain("SESSION_SECRET");
  });

  it("every response carries a request id, and a sane caller id is kept", async () => {
    const res = await api("/links/987654321", "GET", undefined, { "X-Request-Id": "trace-42" });
    expect(res.headers.get("X-Request-Id")).toBe("trace-42");
    const forged = await api("/links/987654321", "GET", undefined, {
      "X-Request-Id": "<script> and spaces",
    });
    expect(forged.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
