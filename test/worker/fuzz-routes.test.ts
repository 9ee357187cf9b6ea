// Property-based fuzzing of every route of the demo (a CLI-generated scaffold's routes:
// fuzz-scaffold.test.ts): never a 5xx, a 4xx changes nothing in the database, injection strings
// are stored verbatim and shown escaped.
// `npm test` runs a bounded number of inputs; scripts/fuzz/run.ts runs ≥ 100,000.
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { INJECTIONS, injection } from "./fuzz/arbitraries.ts";
import { fuzzRoutes, RUNS, SEED } from "./fuzz/harness.ts";

const ORIGIN = "http://nimbus.test";
/** Long runs take a while on a busy machine: allow 100 ms an input, at least 10 minutes. */
const TIMEOUT = Math.max(600_000, RUNS * 100);

/** A browser's cookie and CSRF token, so some fuzzed requests get past CSRF into validation. */
async function session(target: { fetch(r: Request): Promise<Response> }, page: string) {
  const res = await target.fetch(
    new Request(`${ORIGIN}${page}`, { headers: { Accept: "text/html" } }),
  );
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? "";
  return { cookie, token };
}

async function ids(table: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM ${table} ORDER BY id DESC LIMIT 50`,
  ).all<{ id: number }>();
  return results.map((r) => r.id);
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

describe("fuzz: the demo's routes", () => {
  let known: number[] = [];
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
    known = await ids("links");
  });

  it(`never answers 5xx, and a 4xx writes nothing (${RUNS} inputs)`, {
    timeout: TIMEOUT,
  }, async () => {
    const tally = await fuzzRoutes({
      target: exports.default,
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
      ids: () => known,
      tables: [
        "SELECT count(*) AS n, max(id) AS m, total(votes) AS v, total(length(title) + length(url) + length(coalesce(description, ''))) AS len, max(updated_at) AS u FROM links",
        "SELECT count(*) AS n, max(id) AS m, total(length(author) + length(body)) AS len, max(updated_at) AS u FROM comments",
      ],
      session: await session(exports.default, "/links/new"),
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
