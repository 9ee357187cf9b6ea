// Property-based fuzzing of the routes `nimbus generate authentication` writes (sign up, sign in
// and out, forgot and reset password, the account page and its API tokens, email confirmation,
// the development outbox) and of a `--owner` scaffold, in the app of
// test/worker/fuzz/scaffold-fixture.ts: never a 5xx, a 4xx changes nothing in the database
// (the accounts' tables included), injection strings are stored verbatim and shown escaped.
// The rate limits key on the client address, which a development app reads from
// CF-Connecting-IP: most requests come from an address of their own, so they reach the handlers.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { INJECTIONS, injection, text } from "./fuzz/arbitraries.ts";
import {
  browserSession,
  escapeHtml,
  fuzzRoutes,
  mostly,
  ORIGIN,
  RUNS,
  SEED,
  TIMEOUT,
  tableIds,
} from "./fuzz/harness.ts";

const PASSWORD = "correct horse battery";

interface App {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
}
// Generated at setup (test/artifacts is outside git and tsc): imported by path at run time.
const GENERATED = "../artifacts/fuzz-scaffold/src/app.ts";
let app: App;

/** A fresh client address per call: each sign-up or sign-in gets past the per-address limits. */
let address = 0;
const nextAddress = () => `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address++ & 255}`;

/** The signed-in user the fuzzer's "real client" requests act as (signed up again when lost). */
const account = { cookie: "", token: "", email: "" };
let userIds: number[] = [];
let tokenIds: number[] = [];
let noteIds: number[] = [];
let served = 0;

/** Set when a response may have ended or rotated `account`'s session (a sign-in, a sign-out). */
let mayBeLost = false;
const target = {
  async fetch(r: Request): Promise<Response> {
    const res = await app.fetch(r, env);
    if (r.headers.get("Cookie") === account.cookie && res.headers.has("Set-Cookie"))
      mayBeLost = true;
    return res;
  },
};

/**
 * Between two inputs (not inside one's comparison): the user signed in again when a request may
 * have signed it out, and new ids every 50.
 */
async function between(): Promise<boolean> {
  if (!mayBeLost && ++served % 50 !== 0) return false;
  mayBeLost = false;
  return await refresh();
}

/** Cookies as a browser keeps them: a later Set-Cookie replaces the one of the same name. */
function jar(...lists: string[]): string {
  const byName = new Map<string, string>();
  for (const list of lists)
    for (const cookie of list.split("; ").filter(Boolean))
      byName.set(cookie.split("=")[0] ?? "", cookie);
  return [...byName.values()].join("; ");
}

/** Signs a new user up from a new address; `account` then holds its session and CSRF token. */
async function signUp(): Promise<void> {
  const ip = { "CF-Connecting-IP": nextAddress() };
  const form = await browserSession(target, `${ORIGIN}/registration/new`, ip);
  account.email = `fuzz-${Date.now()}-${address}@x.test`;
  const res = await app.fetch(
    new Request(`${ORIGIN}/registration`, {
      method: "POST",
      headers: {
        ...ip,
        Cookie: form.cookie,
        Origin: ORIGIN,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        _csrf: form.token,
        email: account.email,
        password: PASSWORD,
      }).toString(),
    }),
    env,
  );
  expect(res.status, await res.text()).toBe(303);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const page = await browserSession(target, `${ORIGIN}/account`, {
    ...ip,
    Cookie: jar(form.cookie, cookie),
  });
  Object.assign(account, { cookie: jar(form.cookie, cookie, page.cookie), token: page.token });
}

/**
 * New ids, and a new user when a fuzzed sign-out or password change ended the session (true:
 * it signed one up).
 */
async function refresh(): Promise<boolean> {
  userIds = await tableIds("users");
  tokenIds = await tableIds("api_tokens");
  noteIds = await tableIds("notes");
  const res = await app.fetch(
    new Request(`${ORIGIN}/account`, {
      headers: { Cookie: account.cookie, Accept: "application/json" },
    }),
    env,
  );
  await res.text();
  if (res.status === 200) return false;
  await signUp();
  return true;
}

/** Sends a signed-in JSON write as the browser would (cookie, CSRF header, same origin). */
async function write(method: string, path: string, record: unknown): Promise<Response> {
  return await app.fetch(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: {
        Cookie: account.cookie,
        "X-CSRF-Token": account.token,
        Origin: ORIGIN,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify(record),
    }),
    env,
  );
}

beforeAll(async () => {
  await applyD1Migrations(env.DB, inject("scaffoldMigrations"), "fuzz_scaffold_migrations");
  app = ((await import(/* @vite-ignore */ GENERATED)) as { app: App }).app;
  await signUp();
  for (let i = 0; i < 3; i++) {
    await (await write("POST", "/notes", { title: `Note ${i}`, body: "seed" })).text();
    await (await write("POST", "/account/tokens", { name: `token ${i}` })).text();
  }
  await refresh();
}, 60_000);

const email = mostly(
  fc.oneof(
    fc.emailAddress(),
    fc.constant(null).map(() => account.email),
    fc.constantFrom("dup@x.test", "DUP@X.TEST "),
  ),
  fc.oneof(injection, text),
);
const password = mostly(
  fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 8, maxLength: 40 })),
  fc.oneof(text, fc.constantFrom("", "short", "x".repeat(5000))),
);
const next = mostly(
  fc.constantFrom("/", "/account", "/notes"),
  fc.constantFrom("//evil.example", "/\\evil.example", "https://evil.example", "javascript:x"),
);
const credentials = fc.record({ email, password, next }, { requiredKeys: [] });
const shortText = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), injection);
const byPath: [RegExp, fc.Arbitrary<Record<string, unknown>>][] = [
  [/^\/(registration|session)/, credentials],
  [/^\/password\/reset\/./, fc.record({ password }, { requiredKeys: [] })],
  [/^\/password\/reset/, fc.record({ email }, { requiredKeys: [] })],
  [
    /^\/account\/password/,
    fc.record({ currentPassword: password, password }, { requiredKeys: [] }),
  ],
  [
    /^\/account\/tokens\/./,
    fc.record(
      { _method: mostly(fc.constantFrom("DELETE", "delete"), fc.oneof(text, fc.constant("PUT"))) },
      { requiredKeys: [] },
    ),
  ],
  [/^\/account\/tokens/, fc.record({ name: mostly(shortText, text) }, { requiredKeys: [] })],
  [
    /^\/notes/,
    fc.record(
      {
        title: mostly(shortText, text),
        body: mostly(shortText, text),
        userId: fc.constant(null).map(() => userIds[0] ?? 1),
      },
      { requiredKeys: [] },
    ),
  ],
];
const records = (path: string) =>
  byPath.find(([pattern]) => pattern.test(path))?.[1] ?? fc.constant({});

describe("fuzz: the routes of `nimbus generate authentication` and an --owner scaffold", () => {
  it(`never answers 5xx, and a 4xx writes nothing (${RUNS} inputs)`, {
    timeout: TIMEOUT,
  }, async () => {
    const tally = await fuzzRoutes({
      target,
      label: "accounts",
      origin: ORIGIN,
      templates: [
        "/registration/new",
        "/registration",
        "/session/new",
        "/session",
        "/password/reset/new",
        "/password/reset",
        "/password/reset/:token",
        "/email/verify/:token",
        "/email/verification",
        "/account",
        "/account/tokens",
        "/account/tokens/:id",
        "/account/password",
        "/dev/outbox",
        "/notes",
        "/notes/new",
        "/notes/:id",
        "/notes/:id/edit",
      ],
      ids: () => [...userIds, ...tokenIds, ...noteIds],
      tables: [
        "SELECT count(*) AS n, max(id) AS m, total(length(email) + length(password_hash)) AS len, total(email_verified_at) AS v, max(updated_at) AS u FROM users",
        // Not last_used_at: a signed-in API request records it whatever it answers.
        "SELECT count(*) AS n, max(id) AS m, total(length(name) + length(token_hash)) AS len, total(revoked_at) AS r, total(user_id) AS o FROM api_tokens",
        "SELECT count(*) AS n, max(id) AS m, total(used_at) AS x, total(expires_at) AS e FROM password_resets",
        "SELECT count(*) AS n, max(id) AS m, total(used_at) AS x, total(expires_at) AS e FROM email_verifications",
        "SELECT count(*) AS n, max(id) AS m, total(length(title) + length(coalesce(body, ''))) AS len, total(user_id) AS o, max(updated_at) AS u FROM notes",
      ],
      session: account,
      between,
      records,
      writes: {
        collections: [
          "/registration",
          "/session",
          "/password/reset",
          "/password/reset/:token",
          "/account/tokens",
          "/account/tokens/:id",
          "/account/password",
          "/email/verification",
          "/notes",
        ],
        members: ["/session", "/account/tokens/:id", "/notes/:id"],
      },
      // Nine in ten from an address of their own (past the per-address limits), some from none.
      headers: fc.oneof(
        {
          weight: 9,
          arbitrary: fc.constant(null).map(() => ({ "CF-Connecting-IP": nextAddress() })),
        },
        { weight: 1, arbitrary: fc.constant({}) },
      ),
    });
    console.log(JSON.stringify({ fuzz: "accounts", seed: SEED, ...tally }));
  });

  it("injection strings are stored verbatim and shown escaped", { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(injection, async (value) => {
        const note = await write("POST", "/notes", { title: value, body: value });
        if (note.status === 401) {
          await signUp();
          return;
        }
        expect(note.status, await note.clone().text()).toBe(201);
        const { data } = (await note.json()) as { data: { id: number } };
        const token = await write("POST", "/account/tokens", { name: value });
        expect(token.status, await token.clone().text()).toBeLessThan(400);
        await token.text();
        const get = (path: string, accept: string) =>
          app.fetch(
            new Request(`${ORIGIN}${path}`, {
              headers: { Cookie: account.cookie, Accept: accept },
            }),
            env,
          );
        const json = (await (await get(`/notes/${data.id}`, "application/json")).json()) as {
          data: Record<string, unknown>;
        };
        expect(json.data.title).toBe(value);
        expect(json.data.body).toBe(value);
        for (const path of [`/notes/${data.id}`, "/account"]) {
          const html = await (await get(path, "text/html")).text();
          expect(html).toContain(escapeHtml(value));
          if (/[<>"]/.test(value)) expect(html).not.toContain(value);
        }
      }),
      {
        numRuns: Math.max(INJECTIONS.length * 2, Math.min(Math.floor(RUNS / 50), 1000)),
        seed: SEED,
      },
    );
  });
});
