// Property-based fuzzing of an app the CLI generated (test/worker/fuzz/scaffold-fixture.ts makes
// it with `nimbus generate scaffold Author ...` and `... Article ...`: strings, text, integer,
// real, boolean, datetime, a reference, a unique field and a composite unique index), HTML and
// JSON: never a 5xx, a 4xx changes nothing in the database, injection strings are stored
// verbatim and shown escaped. `npm test` runs a bounded number; scripts/fuzz/run.ts ≥ 100,000.
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

interface App {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
}
// Generated at setup (test/artifacts is outside git and tsc): imported by path at run time.
const GENERATED = "../artifacts/fuzz-scaffold/src/app.ts";
let app: App;
let served = 0;
const target = {
  async fetch(r: Request): Promise<Response> {
    const res = await app.fetch(r, env);
    // Rows come and go: the fuzzer picks among the ids there are now.
    if (++served % 50 === 0 && authorIds.length > 0) {
      authorIds = await tableIds("authors");
      articleIds = await tableIds("articles");
    }
    return res;
  },
};

async function create(path: string, record: Record<string, unknown>): Promise<Response> {
  return await target.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(record),
    }),
  );
}

let authorIds: number[] = [];
let articleIds: number[] = [];

beforeAll(async () => {
  await applyD1Migrations(env.DB, inject("scaffoldMigrations"), "fuzz_scaffold_migrations");
  app = ((await import(/* @vite-ignore */ GENERATED)) as { app: App }).app;
  for (let i = 0; i < 3; i++) {
    const res = await create("/authors", {
      name: `Author ${i}`,
      email: `a${Date.now()}-${i}@x.test`,
    });
    const { data } = (await res.json()) as { data: { id: number } };
    await create("/articles", { title: `Article ${i}`, authorId: data.id, slug: `s-${i}` });
  }
  authorIds = await tableIds("authors");
  articleIds = await tableIds("articles");
}, 60_000);

const shortText = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), injection);
const authorRecord = fc.record(
  {
    name: mostly(shortText, text),
    email: mostly(fc.emailAddress(), fc.oneof(injection, fc.constantFrom(null, "dup@x.test"))),
    bio: mostly(shortText, text),
  },
  { requiredKeys: [] },
);
const articleRecord = fc.record(
  {
    title: mostly(shortText, text),
    body: mostly(shortText, text),
    words: mostly(
      fc.integer(),
      fc.oneof(fc.double(), fc.constantFrom("12", "1e3", "ten", 2 ** 63)),
    ),
    published: mostly(fc.boolean(), fc.constantFrom("true", "on", "1", "0", "yes", "maybe")),
    rating: mostly(fc.double({ noNaN: true }), fc.constantFrom("4.5", "NaN", "Infinity", "")),
    publishedAt: mostly(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.oneof(
        fc.integer(),
        fc.constantFrom("2026-02-30", "yesterday", "", "9999-12-31T23:59:59Z"),
      ),
    ),
    authorId: mostly(
      fc.constant(null).map(() => authorIds[Math.floor(Math.random() * authorIds.length)] ?? 1),
      fc.constantFrom(0, -1, 999_999_999, "abc", "1", null, 1.5),
    ),
    slug: mostly(fc.constantFrom("same", "s-0", "s-1", "other"), fc.oneof(injection, text)),
  },
  { requiredKeys: [] },
);
const records = (path: string) => (path.startsWith("/authors") ? authorRecord : articleRecord);

describe("fuzz: a CLI-generated scaffold's routes (HTML and JSON)", () => {
  it(`never answers 5xx, and a 4xx writes nothing (${RUNS} inputs)`, {
    timeout: TIMEOUT,
  }, async () => {
    const tally = await fuzzRoutes({
      target,
      label: "scaffold",
      origin: ORIGIN,
      templates: [
        "/",
        "/authors",
        "/authors/new",
        "/authors/:id",
        "/authors/:id/edit",
        "/articles",
        "/articles/new",
        "/articles/:id",
        "/articles/:id/edit",
        "/articles/:id/:cid",
        "/:id",
      ],
      ids: () => [...authorIds, ...articleIds],
      tables: [
        "SELECT count(*) AS n, max(id) AS m, total(length(name) + length(coalesce(email, '')) + length(coalesce(bio, ''))) AS len, max(updated_at) AS u FROM authors",
        "SELECT count(*) AS n, max(id) AS m, total(length(title) + length(coalesce(body, '')) + length(coalesce(slug, ''))) AS len, total(words) AS w, total(rating) AS r, total(published) AS p, total(published_at) AS pa, total(author_id) AS a, max(updated_at) AS u FROM articles",
      ],
      session: await browserSession(target, `${ORIGIN}/articles/new`),
      records,
      writes: {
        collections: ["/authors", "/articles"],
        members: ["/authors/:id", "/articles/:id"],
      },
    });
    console.log(JSON.stringify({ fuzz: "scaffold", seed: SEED, ...tally }));
  });

  it("injection strings are stored verbatim and shown escaped", { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(injection, fc.nat(), async (value, n) => {
        const author = await create("/authors", {
          name: value,
          bio: value,
          email: `i${n}-${Math.random()}@x.test`,
        });
        expect(author.status).toBe(201);
        const { data: a } = (await author.json()) as { data: { id: number } };
        const article = await create("/articles", {
          title: value,
          body: value,
          slug: `${value}-${n}-${Math.random()}`,
          authorId: a.id,
        });
        expect(article.status).toBe(201);
        const { data } = (await article.json()) as { data: { id: number } };
        for (const [path, fields] of [
          [`/authors/${a.id}`, ["name", "bio"]],
          [`/articles/${data.id}`, ["title", "body"]],
        ] as const) {
          const json = (await (
            await target.fetch(
              new Request(`${ORIGIN}${path}`, { headers: { Accept: "application/json" } }),
            )
          ).json()) as { data: Record<string, unknown> };
          for (const field of fields) expect(json.data[field]).toBe(value);
          const html = await (
            await target.fetch(
              new Request(`${ORIGIN}${path}`, { headers: { Accept: "text/html" } }),
            )
          ).text();
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
