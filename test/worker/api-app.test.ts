import { env } from "cloudflare:workers";
import { hc } from "hono/client";
import { beforeAll, describe, expect, it } from "vitest";
import { conduit } from "./fixtures/conduit/app.ts";
import { SCHEMA } from "./fixtures/conduit/schema.ts";

// An API-first app built only from the public API (test/worker/fixtures/conduit): token auth,
// slugs, its own envelope and error shape, CORS, atomic multi-table writes.
const testEnv = { ...env, CONDUIT_MOTTO: "write things" };
let run = 0;

function call(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  const body = init.json === undefined ? init.body : JSON.stringify(init.json);
  return conduit.request(path, { ...init, headers, body }, testEnv);
}

async function signUp(name: string): Promise<string> {
  const res = await call("/api/users", {
    method: "POST",
    json: { name, email: `${name}@example.com` },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { user: { token: string } }).user.token;
}

beforeAll(async () => {
  await env.DB.batch(
    SCHEMA.split(";")
      .map((statement) => statement.trim())
      .filter(Boolean)
      .map((statement) => env.DB.prepare(statement)),
  );
});

describe("an API-first app on resources", () => {
  it("signs up, writes an article by token, and serves it by slug in its own envelope", async () => {
    run += 1;
    const name = `ann${run}${Date.now()}`;
    const token = await signUp(name);
    const title = `Hello ${name}`;
    const created = await call("/api/articles", {
      method: "POST",
      token,
      json: { title, body: "First post" },
    });
    expect(created.status).toBe(201);
    const slug = `hello-${name}`;
    expect(created.headers.get("Location")).toBe(`/api/articles/${slug}`);
    const shown = await call(`/api/articles/${slug}`);
    expect(await shown.json()).toEqual({
      article: {
        slug,
        title,
        body: "First post",
        commentsCount: 0,
        createdAt: expect.any(String),
        author: { name, bio: null },
      },
    });
    // The .json suffix still works on resource routes.
    expect((await conduit.request(`/api/articles/${slug}.json`, {}, testEnv)).status).toBe(200);
    const list = (await (await call("/api/articles?sort=-createdAt")).json()) as {
      articles: { slug: string }[];
      articlesCount: number;
    };
    expect(list.articles.some((a) => a.slug === slug)).toBe(true);
    expect(list.articlesCount).toBe(list.articles.length);
  });

  it("answers 401 with a challenge without a token, 403 to another author, 422 in its error shape", async () => {
    const owner = await signUp(`bob${Date.now()}`);
    const other = await signUp(`eve${Date.now()}`);
    const title = `Owned ${Date.now()}`;
    await call("/api/articles", { method: "POST", token: owner, json: { title, body: "x" } });
    const slug = title.toLowerCase().replace(/ /g, "-");

    const anonymous = await call("/api/articles", { method: "POST", json: { title, body: "x" } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toBe('Bearer realm="conduit"');
    expect(await anonymous.json()).toEqual({
      errors: { message: ["Send Authorization: Bearer <token>."] },
    });
    const forged = await call("/api/articles", { method: "POST", token: "nope", json: {} });
    expect(forged.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');

    const stolen = await call(`/api/articles/${slug}`, {
      method: "PATCH",
      token: other,
      json: { title: "Mine now" },
    });
    expect(stolen.status).toBe(403);
    const duplicate = await call("/api/articles", {
      method: "POST",
      token: other,
      json: { title, body: "same title, same slug" },
    });
    expect(duplicate.status).toBe(422);
    expect(await duplicate.json()).toEqual({ errors: { slug: ["has already been taken"] } });
    const blank = await call("/api/articles", { method: "POST", token: owner, json: { body: "" } });
    expect(((await blank.json()) as { errors: Record<string, string[]> }).errors).toHaveProperty(
      "title",
    );
    const missing = await call("/api/articles/no-such-article");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      errors: { message: ["No article with slug no-such-article."] },
    });
  });

  it("comments under an article's slug, counting them in the same atomic batch", async () => {
    const token = await signUp(`cat${Date.now()}`);
    const title = `Discussed ${Date.now()}`;
    await call("/api/articles", { method: "POST", token, json: { title, body: "x" } });
    const slug = title.toLowerCase().replace(/ /g, "-");
    const first = await call(`/api/articles/${slug}/comments`, {
      method: "POST",
      token,
      json: { body: "Nice" },
    });
    expect(first.status).toBe(201);
    expect(((await first.json()) as { comment: { body: string } }).comment.body).toBe("Nice");
    // The same comment twice breaks the unique index: 422, and the count is not bumped either.
    const again = await call(`/api/articles/${slug}/comments`, {
      method: "POST",
      token,
      json: { body: "Nice" },
    });
    expect(again.status).toBe(422);
    const article = (await (await call(`/api/articles/${slug}`)).json()) as {
      article: { commentsCount: number };
    };
    expect(article.article.commentsCount).toBe(1);
    const list = (await (await call(`/api/articles/${slug}/comments`)).json()) as {
      comments: { body: string }[];
    };
    expect(list.comments.map((c) => c.body)).toEqual(["Nice"]);
    expect((await call("/api/articles/nothing-here/comments")).status).toBe(404);
  });

  it("exempts bearer requests from the cookie CSRF check, and answers CORS preflights", async () => {
    const token = await signUp(`dan${Date.now()}`);
    const crossSite = {
      Origin: "https://conduit.example",
      "Sec-Fetch-Site": "cross-site",
    };
    const preflight = await conduit.request(
      "/api/articles",
      {
        method: "OPTIONS",
        headers: {
          ...crossSite,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization, content-type",
        },
      },
      testEnv,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://conduit.example");
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    const withToken = await call("/api/articles", {
      method: "POST",
      token,
      headers: { Origin: "https://elsewhere.example", "Sec-Fetch-Site": "cross-site" },
      json: { title: `Cross ${Date.now()}`, body: "from a front end" },
    });
    expect(withToken.status).toBe(201);
    // Without a token the request relies on cookies: the CSRF check applies and refuses it.
    const cookieOnly = await conduit.request(
      "/api/users",
      {
        method: "POST",
        headers: { Origin: "https://elsewhere.example", "Content-Type": "application/json" },
        body: JSON.stringify({ name: "x", email: "x@example.com" }),
      },
      testEnv,
    );
    expect(cookieOnly.status).toBe(403);
    const other = await conduit.request(
      "/api/info",
      { headers: { Origin: "https://elsewhere.example" } },
      testEnv,
    );
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(await other.json()).toEqual({ motto: "write things" });
  });

  it("routes a plain Hono path with .json in it as sent", async () => {
    const name = `carol${Date.now()}`;
    await signUp(name);
    expect((await call(`/api/profiles/${name}`)).status).toBe(200);
    // Only resource routes drop a .json suffix: this looks up a profile literally named so.
    const suffixed = await call(`/api/profiles/${name}.json`);
    expect(suffixed.status).toBe(404);
    expect(await suffixed.json()).toEqual({
      errors: { message: [`No profile named ${name}.json.`] },
    });
  });

  it("is callable through Hono's typed client", async () => {
    const token = await signUp(`hc${Date.now()}`);
    const client = hc<typeof conduit>("http://conduit.test", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        conduit.request(input instanceof Request ? input : String(input), init, testEnv),
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
    });
    const title = `Typed ${Date.now()}`;
    const created = await client.api.articles.$post({ json: { title, body: "via hc" } });
    expect(created.status).toBe(201);
    const slug = title.toLowerCase().replace(/ /g, "-");
    const shown = await client.api.articles[":slug"].$get({ param: { slug } });
    expect(shown.status).toBe(200);
    const comments = await client.api.articles[":articleSlug"].comments.$get({
      param: { articleSlug: slug },
    });
    expect(comments.status).toBe(200);
  });
});
