import { env } from "cloudflare:workers";
import {
  createApiToken,
  createApp,
  integer,
  model,
  resource,
  setCurrentUser,
  signIn,
  table,
  text,
} from "nimbus-web";
import { TestBrowser } from "nimbus-web/testing";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";

// `owner:` rules on a small app of its own: notes belong to users, who sign in through the
// session (`signIn`) or with an API token looked up in a tokens table, as generated apps do.
const notes = table("owned_notes", { title: text().notNull(), userId: integer().notNull() });
const Note = model(notes, { fields: ["title"] });

const testEnv = { ...env, NIMBUS_ENV: "development" };
const app = createApp({
  logRequests: false,
  apiTokens: {
    userIdFor: async (hash) =>
      (
        await env.DB.prepare("SELECT user_id FROM owned_tokens WHERE hash = ?")
          .bind(hash)
          .first<{ user_id: number }>()
      )?.user_id,
  },
});
app
  .get("/sign-in-as/:id", (c) => {
    signIn(c, Number(c.req.param("id")));
    return c.text("ok");
  })
  .get("/csrf", (c) => c.text(c.var.session.csrfToken()));
// A token scheme of the app's own, in a header that is not Authorization.
app.use(async (c, next) => {
  const named = c.req.header("X-Test-User");
  if (named) setCurrentUser(c, Number(named));
  await next();
});
app.resources(
  resource("/notes", Note, {
    owner: "userId",
    member: {
      // Anyone's, as a vote is.
      star: { method: "post", handler: ({ c, record }) => c.json({ starred: record.id }) },
      // Only the owner's: checked as an update, before the handler writes.
      publish: {
        method: "post",
        ownerOnly: true,
        handler: async ({ c, record }) => {
          await env.DB.prepare(
            "UPDATE owned_notes SET title = title || ' (published)' WHERE id = ?",
          )
            .bind(record.id)
            .run();
          return c.json({ published: record.id });
        },
      },
    },
  }),
  resource("/my-notes", Note, {
    owner: { column: "userId", scope: "own" },
    cache: { index: { ttl: 60 }, show: { ttl: 60 } },
  }),
);

const target = { fetch: async (request: Request) => app.request(request, {}, testEnv) };

async function user(id: number): Promise<TestBrowser> {
  const browser = new TestBrowser(target);
  expect((await browser.request(`/sign-in-as/${id}`)).status).toBe(200);
  return browser;
}

async function row(id: number) {
  return await env.DB.prepare("SELECT title, user_id FROM owned_notes WHERE id = ?")
    .bind(id)
    .first<{ title: string; user_id: number }>();
}

async function count(): Promise<number> {
  return (
    (await env.DB.prepare("SELECT count(*) AS n FROM owned_notes").first<{ n: number }>())?.n ?? 0
  );
}

async function create(browser: TestBrowser, path = "/notes", title = "mine"): Promise<number> {
  const res = await browser.json(path, "POST", { title });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { id: number } }).data.id;
}

/** A form post from this site's own page, with the session's CSRF token. */
async function form(browser: TestBrowser, path: string, fields: Record<string, string>) {
  const _csrf = await (await browser.request("/csrf")).text();
  return browser.submit(path, { _csrf, ...fields });
}

const html = (res: Response) => res.headers.get("Content-Type") ?? "";

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare(
      "CREATE TABLE IF NOT EXISTS owned_notes (id integer PRIMARY KEY AUTOINCREMENT, created_at integer NOT NULL, updated_at integer NOT NULL, title text NOT NULL, user_id integer NOT NULL)",
    ),
    env.DB.prepare(
      "CREATE TABLE IF NOT EXISTS owned_tokens (hash text PRIMARY KEY, user_id integer NOT NULL)",
    ),
  ]);
});

describe("owner: only the owner changes a record", () => {
  it("create sets the owner from the signed-in user; the owner edits, updates and deletes", async () => {
    const owner = await user(1);
    const id = await create(owner);
    expect(await row(id)).toEqual({ title: "mine", user_id: 1 });
    expect((await owner.page(`/notes/${id}/edit`)).res.status).toBe(200);
    expect((await owner.json(`/notes/${id}`, "PATCH", { title: "edited" })).status).toBe(200);
    expect((await form(owner, `/notes/${id}`, { _method: "PATCH", title: "by form" })).status).toBe(
      303,
    );
    expect((await row(id))?.title).toBe("by form");
    expect((await owner.json(`/notes/${id}`, "DELETE")).status).toBe(204);
    expect(await row(id)).toBeNull();
  });

  it("anyone else gets 403, as a page and as problem details, and nothing changes", async () => {
    const id = await create(await user(1), "/notes", "untouched");
    const other = await user(2);
    const before = await count();
    for (const [method, body] of [
      ["PATCH", { title: "stolen" }],
      ["PUT", { title: "stolen" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await other.json(`/notes/${id}`, method, body);
      expect(res.status).toBe(403);
      expect(html(res)).toContain("application/problem+json");
      expect(((await res.json()) as { status: number }).status).toBe(403);
    }
    const edit = await other.page(`/notes/${id}/edit`);
    expect(edit.res.status).toBe(403);
    expect(html(edit.res)).toContain("text/html");
    expect(edit.html).toContain("Only its owner may change or delete this record.");
    const attempts: Record<string, string>[] = [
      { _method: "PATCH", title: "stolen" },
      { _method: "DELETE" },
    ];
    for (const fields of attempts) {
      const res = await form(other, `/notes/${id}`, fields);
      expect(res.status).toBe(403);
      expect(html(res)).toContain("text/html");
    }
    expect(await row(id)).toEqual({ title: "untouched", user_id: 1 });
    expect(await count()).toBe(before);
    // Reading stays public under the default scope; the page offers no edit or delete.
    expect((await other.json(`/notes/${id}`)).status).toBe(200);
    const shown = await other.page(`/notes/${id}`);
    expect(shown.html).toContain("untouched");
    expect(shown.html).not.toContain(`/notes/${id}/edit`);
    expect(shown.html).not.toContain(">Delete<");
    const owners = await (await user(1)).page(`/notes/${id}`);
    expect(owners.html).toContain(`/notes/${id}/edit`);
    expect(owners.html).toMatch(/>\s*Delete\s*</);
    expect((await new TestBrowser(target).json("/notes")).status).toBe(200);
  });

  it("a signed-out browser is sent to sign in with a safe ?next=, an API client gets 401", async () => {
    const id = await create(await user(1), "/notes", "kept");
    const anonymous = new TestBrowser(target);
    const before = await count();
    const page = await anonymous.page("/notes/new");
    expect(page.res.status).toBe(303);
    expect(page.res.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent("/notes/new")}`,
    );
    const posted = await form(anonymous, "/notes", { title: "anonymous" });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent("/notes/new")}`,
    );
    const edit = await anonymous.page(`/notes/${id}/edit`);
    expect(edit.res.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent(`/notes/${id}/edit`)}`,
    );
    const deleted = await form(anonymous, `/notes/${id}`, { _method: "DELETE" });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent(`/notes/${id}`)}`,
    );
    for (const [path, method, body] of [
      ["/notes", "POST", { title: "anonymous" }],
      [`/notes/${id}`, "PATCH", { title: "anonymous" }],
      [`/notes/${id}`, "DELETE", undefined],
    ] as const) {
      const res = await anonymous.json(path, method, body);
      expect(res.status).toBe(401);
      expect(html(res)).toContain("application/problem+json");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    expect(await count()).toBe(before);
    expect(await row(id)).toEqual({ title: "kept", user_id: 1 });
  });

  it("the owner column is never taken from the request: 422, nothing written", async () => {
    const owner = await user(1);
    const before = await count();
    const posted = await owner.json("/notes", "POST", { title: "t", userId: 2 });
    expect(posted.status).toBe(422);
    expect(((await posted.json()) as { errors: object }).errors).toEqual({
      userId: ["is set to the signed-in user; leave it out of the request"],
    });
    expect(await count()).toBe(before);
    const id = await create(owner);
    const moved = await owner.json(`/notes/${id}`, "PATCH", { title: "t", userId: 2 });
    expect(moved.status).toBe(422);
    expect(((await moved.json()) as { errors: object }).errors).toEqual({
      userId: ["can't be changed: it is the record's owner"],
    });
    expect(await row(id)).toEqual({ title: "mine", user_id: 1 });
  });

  it("an API token's user is an owner too; an unknown token is a 401, not a fall-back", async () => {
    const { token, hash } = await createApiToken();
    await env.DB.prepare("INSERT INTO owned_tokens (hash, user_id) VALUES (?, 3)").bind(hash).run();
    const bearer = { Accept: "application/json", "Content-Type": "application/json" };
    const call = (path: string, method: string, body?: unknown, scheme = "Bearer", value = token) =>
      app.request(
        path,
        {
          method,
          headers: { ...bearer, Authorization: `${scheme} ${value}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        testEnv,
      );
    const created = await call("/notes", "POST", { title: "by token" });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { data: { id: number } }).data.id;
    expect(await row(id)).toEqual({ title: "by token", user_id: 3 });
    expect((await call(`/notes/${id}`, "PATCH", { title: "token edit" }, "Token")).status).toBe(
      200,
    );
    expect((await row(id))?.title).toBe("token edit");
    // A client on another origin (a SPA allowed by CORS) passes the CSRF check with either scheme.
    for (const scheme of ["Bearer", "Token"]) {
      const crossOrigin = await app.request(
        `/notes/${id}`,
        {
          method: "PATCH",
          headers: {
            ...bearer,
            Origin: "https://spa.example",
            Authorization: `${scheme} ${token}`,
          },
          body: JSON.stringify({ title: "token edit" }),
        },
        testEnv,
      );
      expect(crossOrigin.status, scheme).toBe(200);
    }
    const othersNote = await create(await user(1), "/notes", "not the token's");
    expect((await call(`/notes/${othersNote}`, "PATCH", { title: "x" })).status).toBe(403);
    const forged = await call(`/notes/${id}`, "PATCH", { title: "x" }, "Bearer", "nimbus_forged");
    expect(forged.status).toBe(401);
    expect(forged.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    expect(await row(id)).toEqual({ title: "token edit", user_id: 3 });
    expect(await row(othersNote)).toEqual({ title: "not the token's", user_id: 1 });
  });
});

describe("owner: the app's own member routes", () => {
  it("an ownerOnly route runs for the owner only; a plain one for anyone", async () => {
    const owner = await user(1);
    const other = await user(2);
    const id = await create(owner, "/notes", "draft");
    expect((await other.json(`/notes/${id}/star`, "POST")).status).toBe(200);
    const refused = await other.json(`/notes/${id}/publish`, "POST");
    expect(refused.status).toBe(403);
    expect(await row(id)).toEqual({ title: "draft", user_id: 1 });
    const anonymous = new TestBrowser(target);
    expect((await anonymous.json(`/notes/${id}/publish`, "POST")).status).toBe(401);
    const signIn = await form(anonymous, `/notes/${id}/publish`, {});
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent(`/notes/${id}`)}`,
    );
    expect(await row(id)).toEqual({ title: "draft", user_id: 1 });
    const published = await owner.json(`/notes/${id}/publish`, "POST");
    expect(published.status).toBe(200);
    expect(await row(id)).toEqual({ title: "draft (published)", user_id: 1 });
  });

  it("ownerOnly without an owner rule is refused at mount", () => {
    const bare = createApp({ logRequests: false });
    expect(() =>
      bare.resources(
        resource("/loose-notes", Note, {
          member: { publish: { method: "post", ownerOnly: true, handler: ({ c }) => c.text("") } },
        }),
      ),
    ).toThrow(/ownerOnly but the resource has no `owner:` rule/);
  });
});

describe("owner scope 'own': each user sees only their records", () => {
  it("lists and shows only the signed-in user's rows, never from a shared cache", async () => {
    const one = await user(11);
    const two = await user(12);
    const mine = await create(one, "/my-notes", "one's");
    const theirs = await create(two, "/my-notes", "two's");
    for (const [browser, own, other] of [
      [one, mine, theirs],
      [two, theirs, mine],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        const res = await browser.json("/my-notes?per_page=100");
        expect(res.status).toBe(200);
        expect(res.headers.get("Nimbus-Cache")).toBe("private");
        const ids = ((await res.json()) as { data: { id: number }[] }).data.map((n) => n.id);
        expect(ids).toContain(own);
        expect(ids).not.toContain(other);
      }
      expect((await browser.json(`/my-notes/${own}`)).status).toBe(200);
      expect((await browser.json(`/my-notes/${other}`)).status).toBe(404);
      expect((await browser.json(`/my-notes/${other}`, "PATCH", { title: "x" })).status).toBe(404);
    }
    const anonymous = new TestBrowser(target);
    expect((await anonymous.json("/my-notes")).status).toBe(401);
    const page = await anonymous.page("/my-notes");
    expect(page.res.status).toBe(303);
    expect(page.res.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent("/my-notes")}`,
    );
    expect(await row(theirs)).toEqual({ title: "two's", user_id: 12 });
  });

  it("a token's user gets their own list", async () => {
    const { token, hash } = await createApiToken();
    await env.DB.prepare("INSERT INTO owned_tokens (hash, user_id) VALUES (?, 13)")
      .bind(hash)
      .run();
    const own = await create(await user(13), "/my-notes", "thirteen's");
    const other = await create(await user(14), "/my-notes", "fourteen's");
    const res = await app.request(
      "/my-notes?per_page=100",
      { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } },
      testEnv,
    );
    const ids = ((await res.json()) as { data: { id: number }[] }).data.map((n) => n.id);
    expect(ids).toEqual([own]);
    expect(ids).not.toContain(other);
  });

  it("a user named by the app's own scheme is never served a shared page", async () => {
    const as = (id: number, method = "GET", body?: unknown) =>
      app.request(
        "/my-notes?per_page=100",
        {
          method,
          headers: {
            Accept: "application/json",
            "Content-Type": "application/json",
            "X-Test-User": String(id),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        testEnv,
      );
    expect((await as(15, "POST", { title: "fifteen's" })).status).toBe(201);
    for (const id of [15, 16, 15]) {
      const res = await as(id);
      expect(res.headers.get("Nimbus-Cache")).toBe("private");
      const rows = ((await res.json()) as { data: { userId: number }[] }).data;
      expect(rows.every((note) => note.userId === id)).toBe(true);
      expect(rows.length > 0).toBe(id === 15);
    }
  });

  it("the owner must be a column of the model (a type error otherwise)", () => {
    expectTypeOf(resource("/notes", Note, { owner: "userId" }).options.owner).not.toBeUndefined();
    // @ts-expect-error: "authorId" is not a column of owned_notes.
    resource("/notes", Note, { owner: "authorId" });
    // @ts-expect-error: the scoped form names a column too.
    resource("/notes", Note, { owner: { column: "nope", scope: "own" } });
  });
});
