import { env } from "cloudflare:workers";
import { createApp } from "nimbus-web";
import { coordination } from "nimbus-web/coord";
import { describe, expect, it } from "vitest";

// A small app whose sessions live in nimbus/coord's session store (a Durable Object per session).
const app = createApp({
  logRequests: false,
  sessions: { store: (c) => coordination(c.env as never).sessions, ttlSeconds: 60 },
})
  .get("/count", (c) => {
    const n = (c.var.session.get<number>("n") ?? 0) + 1;
    c.var.session.set("n", n);
    return c.json({ n });
  })
  .get("/sign-in", (c) => {
    c.var.session.regenerate();
    return c.json({ n: c.var.session.get<number>("n") ?? 0 });
  });

const testEnv = { ...env, NIMBUS_ENV: "development" };

async function visit(path: string, cookie = "") {
  const res = await app.request(path, { headers: cookie ? { Cookie: cookie } : {} }, testEnv);
  const set = res.headers.get("Set-Cookie")?.split(";")[0];
  return { body: (await res.json()) as { n: number }, cookie: set ?? cookie, setCookie: set };
}

describe("server-side sessions in a store", () => {
  it("keep data on the server; the cookie holds only a signed id", async () => {
    const first = await visit("/count");
    expect(first.body.n).toBe(1);
    const value = decodeURIComponent(first.cookie.split("=").slice(1).join("="));
    expect(value).toMatch(/^[0-9a-f-]{36}\..+$/);
    expect(value).not.toContain('"n"');
    const second = await visit("/count", first.cookie);
    expect(second.body.n).toBe(2);
    expect(second.setCookie).toBeUndefined();
    const id = value.split(".")[0] ?? "";
    expect(await coordination(env as never).sessions.get(id)).toEqual({ n: 2 });
  });

  it("regenerate() moves the data to a new id and forgets the old one", async () => {
    const before = await visit("/count");
    const oldId =
      decodeURIComponent(before.cookie.split("=").slice(1).join("=")).split(".")[0] ?? "";
    const after = await visit("/sign-in", before.cookie);
    expect(after.body.n).toBe(1);
    expect(after.setCookie).toBeDefined();
    expect(after.cookie).not.toBe(before.cookie);
    expect(await coordination(env as never).sessions.get(oldId)).toBeNull();
    expect((await visit("/count", after.cookie)).body.n).toBe(2);
    expect((await visit("/count", before.cookie)).body.n).toBe(1);
  });

  it("a forged id reads as a new, empty session", async () => {
    const res = await visit("/count", "nimbus_session=made-up-id.c2lnbmF0dXJl");
    expect(res.body.n).toBe(1);
  });
});
