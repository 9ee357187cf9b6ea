// The holes an attacker's probe of the demo found (issue 13), one describe each: every test
// here failed before the framework fix and passes after it.
import { env, exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { app } from "../../src/app.ts";
import { pageTitle } from "../../src/jobs/fetch-title.ts";
import { api, Browser, createLink, newLink } from "./support/browser.ts";
import { rowCount } from "./support/db.ts";
import { freshIp, Visitor } from "./support/visitor.ts";

const ORIGIN = "http://nimbus.test";
const post = (path: string, init: RequestInit) =>
  exports.default.fetch(new Request(`${ORIGIN}${path}`, { method: "POST", ...init }));
const votesOf = async (id: number) =>
  (
    (await (await api(`/links/${id}`)).json()) as {
      data: { votes: number };
    }
  ).data.votes;

describe("1. CSRF by Content-Type, Origin: null, DNS rebinding", () => {
  it("a text/plain body that mentions application/json in a parameter needs the token", async () => {
    const before = await rowCount("links");
    const res = await post("/links", {
      headers: { "Content-Type": "Text/Plain; x=application/json", Accept: "application/json" },
      body: JSON.stringify(newLink()),
    });
    expect(res.status).toBe(403);
    expect(await rowCount("links")).toBe(before);
  });

  it("JSON is recognised whatever the case of its media type, and only JSON is", async () => {
    const json = await post("/links", {
      headers: { "Content-Type": "Application/JSON; charset=UTF-8", Accept: "application/json" },
      body: JSON.stringify(newLink()),
    });
    expect(json.status).toBe(201);
    const merge = await post("/links", {
      headers: { "Content-Type": "application/vnd.api+json", Accept: "application/json" },
      body: JSON.stringify(newLink()),
    });
    expect(merge.status).toBe(201);
    const fake = await post("/links", {
      headers: { "Content-Type": "application/jsonx", Accept: "application/json" },
      body: JSON.stringify(newLink()),
    });
    expect(fake.status).toBe(415);
  });

  it("Origin: null (a sandboxed frame) is refused", async () => {
    const before = await rowCount("links");
    const res = await api("/links", "POST", newLink(), { Origin: "null" });
    expect(res.status).toBe(403);
    expect(await rowCount("links")).toBe(before);
  });

  it("a sibling site (Sec-Fetch-Site: same-site) without the token is refused", async () => {
    const res = await api("/links", "POST", newLink(), { "Sec-Fetch-Site": "same-site" });
    expect(res.status).toBe(403);
  });

  it("a Host the app does not serve is refused (DNS rebinding)", async () => {
    const res = await exports.default.fetch(new Request("http://rebind.evil.example.com/links"));
    expect(res.status).toBe(421);
    const page = await exports.default.fetch(new Request("http://localhost:8787/links"));
    expect(page.status).toBe(200);
  });

  it("with NIMBUS_ORIGINS set, only its hosts are served", async () => {
    const configured = { ...env, NIMBUS_ORIGINS: "https://links.example.com" };
    expect((await app.request("https://links.example.com/hello", {}, configured)).status).toBe(200);
    expect((await app.request("http://localhost/hello", {}, configured)).status).toBe(421);
  });
});

describe("2. client address: forwarding headers only from trusted proxies", () => {
  const signIn = (headers: Record<string, string>, environment: object) =>
    app.request(
      "/session",
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
        body: JSON.stringify({ password: "wrong" }),
      },
      environment,
    );

  it("in production with no trusted proxy, rotating X-Forwarded-For and CF-Connecting-IP dodges nothing", async () => {
    const production = { ...env, NIMBUS_ENV: "production", NIMBUS_TRUSTED_PROXIES: "" };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const forged = `198.51.100.${i + 1}`;
      const res = await signIn(
        { "X-Forwarded-For": forged, "CF-Connecting-IP": forged },
        production,
      );
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it("behind a trusted gateway, the hop it appended counts, not what the client wrote", async () => {
    const gateway = { ...env, NIMBUS_ENV: "production", NIMBUS_TRUSTED_PROXIES: "10.0.0.0/8" };
    const client = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await signIn({ "X-Forwarded-For": `192.0.2.${i}, ${client}` }, gateway);
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([422, 422, 422, 422, 422]);
    expect(statuses.at(-1)).toBe(429);
    // Another real client behind the same gateway has its own allowance.
    const other = await signIn({ "X-Forwarded-For": `${client}, 203.0.113.250` }, gateway);
    expect(other.status).toBe(422);
  });
});

describe("3. SSRF: the title fetcher reaches no internal address", () => {
  const server = inject("titleServer");
  const port = new URL(server).port;

  it.each([
    `http://localhost:${port}/titled`,
    `http://[::ffff:127.0.0.1]:${port}/titled`,
    `http://user@127.0.0.1:${port}/titled`,
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/",
    "http://2130706433/",
    "http://0x7f.1/",
    "file:///etc/passwd",
  ])("refuses %s", async (url) => {
    await expect(pageTitle(url)).rejects.toThrow(/not|URLs|machine/);
  });

  it("checks every redirect again", async () => {
    const bounce = `${server}/bounce?to=${encodeURIComponent(`http://localhost:${port}/titled`)}`;
    await expect(pageTitle(bounce, ["127.0.0.1"])).rejects.toThrow(/this machine/);
    // The allowed test server itself is still fetched.
    expect(await pageTitle(`${server}/titled`, ["127.0.0.1"])).toBe("Tea & Biscuits – a page");
  });
});

describe("4. no public development secret", () => {
  it("a session cookie signed with the old published development secret is worthless", async () => {
    const secret = "nimbus-development-secret-do-not-use-in-production";
    const value = JSON.stringify({ role: "editor" });
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(value));
    const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
    const cookie = `nimbus_session=${encodeURIComponent(`${value}.${signature}`)}`;
    const development = { ...env, NIMBUS_ENV: "development", SESSION_SECRET: undefined };
    const res = await app.request("/links", { headers: { Cookie: cookie } }, development);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("Signed in as editor");
  });
});

describe("5. a rejected request writes nothing", () => {
  it("a vote with an unsupported Content-Type is a 415 and is not counted", async () => {
    const link = await createLink();
    const res = await new Visitor(freshIp()).request(`/links/${link.id}/vote`, {
      method: "POST",
      headers: { "Content-Type": "text/x-form", Origin: ORIGIN, Accept: "text/html" },
      body: "back=/links",
    });
    expect(res.status).toBe(415);
    expect(await votesOf(link.id)).toBe(0);
  });

  it("a vote with a malformed JSON body is a 400 and is not counted", async () => {
    const link = await createLink();
    const res = await new Visitor(freshIp()).request(`/links/${link.id}/vote`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: "{",
    });
    expect(res.status).toBe(400);
    expect(await votesOf(link.id)).toBe(0);
  });

  it.each([
    "/links\r\nSet-Cookie: stolen=1",
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example",
    "https://evil.example/",
    "/links/\u00e9t\u00e9",
  ])("back=%j never leaves the site nor breaks the response", async (back) => {
    const link = await createLink();
    const browser = new Visitor(freshIp());
    const page = await browser.page(`/links/${link.id}`);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
    const res = await browser.submit(`/links/${link.id}/vote`, { _csrf, back });
    expect(res.status).toBe(303);
    const location = res.headers.get("Location") ?? "";
    expect(location.startsWith("/")).toBe(true);
    expect(location.startsWith("//")).toBe(false);
    expect(location).not.toMatch(/[\s\\]/);
    expect(await votesOf(link.id)).toBe(1);
  });
});

describe("6. headers and cookies", () => {
  it("pages get a CSP that runs no inline script, and carry none", async () => {
    const { res, html } = await new Browser().page("/links");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    // With "no-referrer" a browser's own form posts carry Origin: null, which is refused.
    expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("a page with a CSRF token is not stored by any cache", async () => {
    const { res } = await new Browser().page("/links/new");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
  });

  it("HSTS only over https", async () => {
    expect(
      (await exports.default.fetch(`${ORIGIN}/hello`)).headers.has("Strict-Transport-Security"),
    ).toBe(false);
    const https = await exports.default.fetch("https://nimbus.test/hello");
    expect(https.headers.get("Strict-Transport-Security")).toContain("max-age=");
  });

  it("cookies are Secure when a trusted gateway says the request was https", async () => {
    const page = (headers: Record<string, string>, trusted: string) =>
      app.request(
        "/links/new",
        { headers: { Accept: "text/html", ...headers } },
        { ...env, NIMBUS_TRUSTED_PROXIES: trusted },
      );
    const behind = await page({ "X-Forwarded-Proto": "https" }, "10.0.0.0/8");
    expect(behind.headers.get("Set-Cookie")).toMatch(/; Secure/);
    expect(behind.headers.get("Strict-Transport-Security")).toContain("max-age=");
    const forged = await page({ "X-Forwarded-Proto": "https" }, "");
    expect(forged.headers.get("Set-Cookie")).not.toMatch(/; Secure/);
  });

  it("a WebSocket upgrade from another origin is refused", async () => {
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/live/links`, {
        headers: { Upgrade: "websocket", Origin: "https://evil.example" },
      }),
    );
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeNull();
  });

  it("one client holds at most 16 sockets on the live list", async () => {
    const ip = freshIp();
    const open = () =>
      exports.default.fetch(
        new Request(`${ORIGIN}/live/links`, {
          headers: { Upgrade: "websocket", Origin: ORIGIN, "CF-Connecting-IP": ip },
        }),
      );
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 16; i++) {
      const res = await open();
      expect(res.status).toBe(101);
      const ws = res.webSocket as WebSocket;
      ws.accept();
      sockets.push(ws);
    }
    const extra = await open();
    expect(extra.status).toBe(429);
    for (const ws of sockets) ws.close(1000, "done");
  });
});

describe("sessions end when the user signs out", () => {
  it("a cookie saved while signed in is worth nothing after sign-out", async () => {
    const browser = new Visitor(freshIp());
    const _csrf =
      /name="_csrf" value="([^"]+)"/.exec((await browser.page("/session/new")).html)?.[1] ?? "";
    const signedIn = await browser.submit("/session", { _csrf, password: "nimbus-editor" });
    expect(signedIn.status).toBe(303);
    const saved = browser.cookies.get("nimbus_session") ?? "";
    const page = await browser.page("/links");
    expect(page.html).toContain("Signed in as editor");
    const token = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
    expect((await browser.submit("/session", { _csrf: token, _method: "DELETE" })).status).toBe(
      303,
    );
    expect((await browser.page("/links")).html).not.toContain("Signed in as editor");
    const replay = new Visitor(freshIp());
    replay.cookies.set("nimbus_session", saved);
    expect((await replay.page("/links")).html).not.toContain("Signed in as editor");
  });
});
