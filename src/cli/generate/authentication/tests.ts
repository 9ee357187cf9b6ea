// Written by `nimbus generate authentication`: The app's own tests of its accounts, run inside workerd, and the helpers owned scaffolds' tests sign in with.
// Each constant is one file of the app, as biome formats it.

/** test/accounts.test.ts */
export const ACCOUNTS_TEST = `import { exports } from "cloudflare:workers";
import { eventually, TestBrowser } from "nimbus-web/testing";
import { describe, expect, it } from "vitest";

let clients = 0;

/** A browser from an address of its own: each test meets the rate limits afresh. */
function browser(): TestBrowser {
  clients += 1;
  return new TestBrowser(exports.default, {
    origin: "http://nimbus.test",
    headers: { "CF-Connecting-IP": \`203.0.113.\${clients}\` },
  });
}

const password = "correct horse battery";
let emails = 0;
const newEmail = () => \`user\${++emails}-\${crypto.randomUUID().slice(0, 8)}@example.com\`;

async function signUp(b: TestBrowser, email: string, pass = password): Promise<Response> {
  const _csrf = await b.csrfFrom("/registration/new");
  return b.submit("/registration", { _csrf, email, password: pass });
}

async function signIn(b: TestBrowser, email: string, pass = password, next?: string) {
  const _csrf = await b.csrfFrom(
    next ? \`/session/new?next=\${encodeURIComponent(next)}\` : "/session/new",
  );
  return b.submit("/session", { _csrf, email, password: pass, ...(next && { next }) });
}

async function signOut(b: TestBrowser): Promise<Response> {
  const _csrf = await b.csrfFrom("/account");
  return b.submit("/session", { _csrf, _method: "DELETE" });
}

/** The newest mail with \`subject\` the development outbox kept for \`to\`. */
async function lastMailTo(to: string, subject: string): Promise<{ subject: string; text: string }> {
  return eventually(async () => {
    const res = await exports.default.fetch(
      new Request("http://nimbus.test/dev/outbox", { headers: { Accept: "application/json" } }),
    );
    const { data } = (await res.json()) as {
      data: { to: string; subject: string; text: string }[];
    };
    return data.find((mail) => mail.to === to && mail.subject === subject);
  });
}

describe("accounts", () => {
  it("signs up, signs out, signs in again and back to where it was going", async () => {
    const b = browser();
    const email = newEmail();
    const created = await signUp(b, email.toUpperCase());
    expect(created.status).toBe(303);
    expect((await b.page("/account")).html).toContain(\`Signed in as \${email}\`);

    const saved = new Map(b.cookies);
    expect((await signOut(b)).status).toBe(303);
    const after = await b.page("/account");
    expect(after.res.status).toBe(303);
    expect(after.res.headers.get("Location")).toBe("/session/new?next=%2Faccount");
    // A cookie saved while signed in is worth nothing after signing out.
    const replay = browser();
    for (const [name, value] of saved) replay.cookies.set(name, value);
    expect((await replay.page("/account")).res.status).toBe(303);

    const again = await signIn(b, email, password, "/account");
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe("/account");
    expect((await b.page("/account")).res.status).toBe(200);
  });

  it("refuses a wrong password and an unknown email alike, and an unsafe next", async () => {
    const b = browser();
    const email = newEmail();
    await signUp(b, email);
    await signOut(b);
    const wrong = await signIn(b, email, "not the password");
    expect(wrong.status).toBe(422);
    const unknown = await signIn(b, newEmail());
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain("do not match an account");
    const offsite = await signIn(b, email, password, "//evil.example/");
    expect(offsite.headers.get("Location")).toBe("/");
  });

  it("refuses a second account for an email in another case, and a short password", async () => {
    const b = browser();
    const email = newEmail();
    expect((await signUp(b, email)).status).toBe(303);
    const twice = await signUp(browser(), email.toUpperCase());
    expect(twice.status).toBe(422);
    expect(await twice.text()).toContain("has already been taken");
    const short = await signUp(browser(), newEmail(), "short");
    expect(short.status).toBe(422);
  });

  it("limits sign-in attempts with 429 and Retry-After", async () => {
    const b = browser();
    const email = newEmail();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(b, email, "wrong password")).status);
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
    const limited = await signIn(b, email, "wrong password");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("resets a password through the mailed link, once; other sessions end", async () => {
    const email = newEmail();
    const first = browser();
    await signUp(first, email);
    const b = browser();
    const _csrf = await b.csrfFrom("/password/reset/new");
    const asked = await b.submit("/password/reset", { _csrf, email });
    expect(asked.status).toBe(303);
    const nobody = await b.submit("/password/reset", { _csrf, email: newEmail() });
    expect(nobody.status).toBe(303);
    expect(nobody.headers.get("Location")).toBe(asked.headers.get("Location"));

    const mail = await lastMailTo(email, "Reset your password");
    const link = /https?:\\/\\/[^\\s]+\\/password\\/reset\\/[^\\s]+/.exec(mail.text)?.[0] ?? "";
    const path = new URL(link).pathname;
    const form = await b.page(path);
    expect(form.res.status).toBe(200);
    const token = await b.csrfFrom(path);
    const newPassword = "a brand new password";
    expect((await b.submit(path, { _csrf: token, password: newPassword })).status).toBe(303);
    expect((await b.submit(path, { _csrf: token, password: "yet another one" })).status).toBe(404);

    // The session signed in before the reset is over; the new password works, the old doesn't.
    expect((await first.page("/account")).res.status).toBe(303);
    expect((await signIn(b, email)).status).toBe(422);
    expect((await signIn(b, email, newPassword)).status).toBe(303);
  });

  it("creates an API token shown once, authenticates JSON calls with it, and revokes it", async () => {
    const b = browser();
    const email = newEmail();
    await signUp(b, email);
    const _csrf = await b.csrfFrom("/account", "/account/tokens");
    const created = await b.submit("/account/tokens", { _csrf, name: "laptop" });
    expect(created.status).toBe(201);
    const token = /<code class="token">([^<]+)<\\/code>/.exec(await created.text())?.[1] ?? "";
    expect(token).toMatch(/^nimbus_/);
    expect((await b.page("/account")).html).not.toContain(token);

    const call = (t: string) =>
      exports.default.fetch(
        new Request("http://nimbus.test/account", {
          headers: { Accept: "application/json", Authorization: \`Bearer \${t}\` },
        }),
      );
    const me = await call(token);
    expect(me.status).toBe(200);
    const { data } = (await me.json()) as { data: { email: string; tokens: { id: number }[] } };
    expect(data.email).toBe(email);
    expect((await call(\`\${token}x\`)).status).toBe(401);

    const id = data.tokens[0]?.id;
    const revoked = await b.submit(\`/account/tokens/\${id}\`, { _csrf, _method: "DELETE" });
    expect(revoked.status).toBe(303);
    expect((await call(token)).status).toBe(401);
  });

  it("confirms the email address through the link mailed at sign-up", async () => {
    const b = browser();
    const email = newEmail();
    await signUp(b, email);
    expect((await b.page("/account")).html).toContain("Mail me a confirmation link");
    const mail = await lastMailTo(email, "Confirm your email address");
    const link = /https?:\\/\\/[^\\s]+\\/email\\/verify\\/[^\\s]+/.exec(mail.text)?.[0] ?? "";
    const path = new URL(link).pathname;
    expect((await b.page(path)).res.status).toBe(303);
    expect((await b.page("/account")).html).toContain("Your email address is confirmed.");
    // A link works once.
    await b.page(path);
    expect((await b.page("/account")).html).toContain("no longer works");
  });

  it("answers hostile input with 4xx, never a 5xx", async () => {
    const b = browser();
    await signUp(b, newEmail());
    const _csrf = await b.csrfFrom("/account", "/account/tokens");
    const values = [
      "",
      "\\u0000",
      "x".repeat(5000),
      "<script>alert(1)</script>",
      "' OR 1=1 --",
      "@",
    ];
    const routes = [
      "/registration",
      "/session",
      "/password/reset",
      "/password/reset/not-a-token",
      "/account/tokens",
      "/account/tokens/999999",
      "/account/password",
    ];
    for (const route of routes) {
      for (const value of values) {
        const fields = {
          _csrf,
          email: value,
          password: value,
          currentPassword: value,
          name: value,
        };
        const res = await b.submit(route, {
          ...fields,
          _method: route.includes("/999") ? "DELETE" : "",
        });
        expect(res.status, \`\${route} with \${JSON.stringify(value.slice(0, 20))}\`).toBeLessThan(500);
      }
      const json = await exports.default.fetch(
        new Request(\`http://nimbus.test\${route}\`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: "Bearer nimbus_forged" },
          body: JSON.stringify({ email: ["a"], password: { $ne: 1 }, name: 7 }),
        }),
      );
      expect(json.status, \`\${route} as JSON\`).toBeLessThan(500);
    }
  });
});
`;

/** test/support/accounts.ts */
export const ACCOUNTS_SUPPORT = `import { env, exports } from "cloudflare:workers";
import { createApiToken, hashPassword } from "nimbus-web";
import { TestBrowser } from "nimbus-web/testing";
import { api } from "./browser.ts";

/** A user of the tests, with the password to sign in and an API token. */
export interface TestUser {
  id: number;
  email: string;
  password: string;
  token: string;
}

/** Inserts a user and an API token of theirs straight into the database. */
export async function createTestUser(): Promise<TestUser> {
  const email = \`user-\${crypto.randomUUID()}@example.com\`;
  const password = "a test password";
  const now = Date.now();
  const user = await env.DB.prepare(
    "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
  )
    .bind(email, await hashPassword(password), now, now)
    .first<{ id: number }>();
  if (!user) throw new Error("could not insert a user");
  const { token, hash, hint } = await createApiToken();
  await env.DB.prepare(
    "INSERT INTO api_tokens (user_id, name, token_hash, hint, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  )
    .bind(user.id, "tests", hash, hint, now, now)
    .run();
  return { id: user.id, email, password, token };
}

/** The headers of a JSON call made with \`user\`'s API token. */
export function as(user: TestUser): Record<string, string> {
  return { Authorization: \`Bearer \${user.token}\` };
}

/** \`api()\` as \`user\`, with their API token: the JSON calls of a signed-in client. */
export function apiAs(user: TestUser) {
  return (path: string, method = "GET", body?: unknown): Promise<Response> =>
    api(path, method, body, as(user));
}

let clients = 0;

/** A browser signed in as \`user\` through the sign-in form, from an address of its own (rate limits). */
export async function signedInBrowser(user: TestUser): Promise<TestBrowser> {
  clients += 1;
  const address = \`10.\${(clients >> 16) & 255}.\${(clients >> 8) & 255}.\${clients & 255}\`;
  const browser = new TestBrowser(exports.default, {
    origin: "http://nimbus.test",
    headers: { "CF-Connecting-IP": address },
  });
  const _csrf = await browser.csrfFrom("/session/new");
  const res = await browser.submit("/session", {
    _csrf,
    email: user.email,
    password: user.password,
  });
  if (res.status !== 303) throw new Error(\`signing in \${user.email} answered \${res.status}\`);
  return browser;
}
`;
