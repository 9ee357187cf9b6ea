// Property-based fuzzing of every route of the demo (a CLI-generated scaffold's routes:
// fuzz-scaffold.test.ts): never a 5xx, a 4xx changes nothing in the database, injection strings
// are stored verbatim and shown escaped.
// `npm test` runs a bounded number of inputs; scripts/fuzz/run.ts runs ≥ 100,000.
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
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

let linkIds: number[] = [];
let commentIds: number[] = [];
let served = 0;
const target = {
  async fetch(r: Request): Promise<Response> {
    const res = await exports.default.fetch(r);
    // Links and comments come and go: the fuzzer picks among the ids there are now.
    if (++served % 50 === 0) {
      linkIds = await tableIds("links");
      commentIds = await tableIds("comments");
    }
    return res;
  },
};

let address = 0;
const nextAddress = () => `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address++ & 255}`;

const shortText = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), injection);
const linkRecord = fc.record(
  {
    title: mostly(shortText, text),
    url: mostly(
      fc.webUrl(),
      fc.oneof(
        injection,
        fc.constantFrom("http://127.0.0.1/", "ftp://x", "https://", "http://user@host/", ""),
      ),
    ),
    description: mostly(shortText, text),
  },
  { requiredKeys: [] },
);
const commentRecord = fc.record(
  { author: mostly(shortText, text), body: mostly(shortText, text) },
  { requiredKeys: [] },
);
const signInRecord = fc.record(
  { password: mostly(fc.constantFrom("nimbus-editor", "wrong"), text) },
  { requiredKeys: [] },
);
const voteRecord = fc.record(
  { back: mostly(fc.constantFrom("/", "/links", "/links?page=2"), fc.oneof(injection, text)) },
  { requiredKeys: [] },
);
/** Records of the demo's models (and its sign-in and vote forms), by path. */
function records(path: string): fc.Arbitrary<Record<string, unknown>> {
  if (path.includes("/comments")) return commentRecord;
  if (path.includes("/vote")) return voteRecord;
  if (path.startsWith("/session")) return signInRecord;
  return linkRecord;
}

describe("fuzz: the demo's routes", () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      await exports.default.fetch(
        new Request(`${ORIGIN}/links`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({
            title: `Fuzz ${i}`,
            url: `https://example.com/fuzz/${Date.now()}/${i}`,
            description: "seed",
          }),
        }),
      );
    }
    linkIds = await tableIds("links");
    commentIds = await tableIds("comments");
  });

  it(`never answers 5xx, and a 4xx writes nothing (${RUNS} inputs)`, {
    timeout: TIMEOUT,
  }, async () => {
    const tally = await fuzzRoutes({
      target,
      label: "demo",
      origin: ORIGIN,
      templates: [
        "/",
        "/hello",
        "/links",
        "/links/new",
        "/links/:id",
        "/links/:id/edit",
        "/links/:id/vote",
        "/links/:id/comments",
        "/links/:id/comments/new",
        "/links/:id/comments/:cid",
        "/links/:id/comments/:cid/edit",
        "/session",
        "/session/new",
        "/live/links",
        "/assets/live-list.js",
        "/:id",
      ],
      ids: () => [...linkIds, ...commentIds],
      tables: [
        "SELECT count(*) AS n, max(id) AS m, total(votes) AS v, total(length(title) + length(url) + length(coalesce(description, ''))) AS len, max(updated_at) AS u FROM links",
        "SELECT count(*) AS n, max(id) AS m, total(length(author) + length(body)) AS len, max(updated_at) AS u FROM comments",
      ],
      session: await browserSession(target, `${ORIGIN}/links/new`),
      records,
      // The sign-in's rate limit keys on the client address (CF-Connecting-IP in development):
      // nine in ten requests come from an address of their own, so they reach the handler.
      headers: fc.oneof(
        {
          weight: 9,
          arbitrary: fc.constant(null).map(() => ({ "CF-Connecting-IP": nextAddress() })),
        },
        { weight: 1, arbitrary: fc.constant({}) },
      ),
      writes: {
        collections: ["/links", "/links/:id/vote", "/links/:id/comments", "/session"],
        members: ["/links/:id", "/links/:id/comments/:cid", "/session"],
      },
    });
    console.log(JSON.stringify({ fuzz: "demo", seed: SEED, ...tally }));
  });

  it("injection strings are stored verbatim and shown escaped", { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(injection, fc.nat(), async (title, n) => {
        const url = `https://example.com/inject/${Date.now()}/${n}/${Math.random()}`;
        const created = await exports.default.fetch(
          new Request(`${ORIGIN}/links`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify({ title, url, description: title }),
          }),
        );
        expect(created.status).toBe(201);
        const { data } = (await created.json()) as { data: { id: number; title: string } };
        const json = (await (
          await exports.default.fetch(new Request(`${ORIGIN}/links/${data.id}.json`))
        ).json()) as {
          data: { title: string; description: string };
        };
        expect(json.data.title).toBe(title);
        expect(json.data.description).toBe(title);
        const html = await (
          await exports.default.fetch(
            new Request(`${ORIGIN}/links/${data.id}`, { headers: { Accept: "text/html" } }),
          )
        ).text();
        expect(html).toContain(escapeHtml(title));
        if (/[<>"]/.test(title)) expect(html).not.toContain(title);
      }),
      {
        numRuns: Math.max(INJECTIONS.length * 2, Math.min(Math.floor(RUNS / 50), 1000)),
        seed: SEED,
      },
    );
  });
});
