import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect } from "vitest";
import { body, contentType, encodeRecord, method, path, query } from "./arbitraries.ts";

/** Inputs per property: small in `npm test`, large from scripts/fuzz/run.ts (NIMBUS_FUZZ_RUNS). */
export const RUNS = Number((env as { NIMBUS_FUZZ_RUNS?: string }).NIMBUS_FUZZ_RUNS ?? "") || 120;
/** A fixed seed unless the script asks for another, so a failure in `npm test` replays. */
export const SEED = Number((env as { NIMBUS_FUZZ_SEED?: string }).NIMBUS_FUZZ_SEED ?? "") || 1313;
/** The origin every fuzzed request is sent to (and a real client's Origin header). */
export const ORIGIN = "http://nimbus.test";
/** Long runs take a while on a busy machine: allow 100 ms an input, at least 10 minutes. */
export const TIMEOUT = Math.max(600_000, RUNS * 100);

/** One row per query, summing what a request could write (counts, ids, lengths, timestamps). */
export async function fingerprint(queries: readonly string[]): Promise<string> {
  const rows = await Promise.all(queries.map((sql) => env.DB.prepare(sql).first()));
  return JSON.stringify(rows);
}

export interface FuzzTarget {
  fetch(request: Request): Promise<Response>;
}

export interface Tally {
  inputs: number;
  byStatus: Record<string, number>;
  /** The statuses of the real client's writes alone (see `writes`). */
  writesByStatus: Record<string, number>;
}

function pickId(ids: number[]): number {
  return ids[Math.floor(Math.random() * ids.length)] ?? 1;
}

/** A request the fuzzer made, kept short for the failure report. */
function describe(m: string, url: string, headers: Headers, text: string | undefined): string {
  return `${m} ${url.slice(0, 300)} ${JSON.stringify([...headers])} body=${JSON.stringify((text ?? "").slice(0, 300))}${(text ?? "").length > 300 ? `…(${text?.length})` : ""}`;
}

/**
 * The properties every route must keep: never a 5xx, and a 4xx leaves the database as it was.
 * `session` gives a cookie and CSRF token some requests carry, so forms get past CSRF too.
 */
export async function fuzzRoutes(options: {
  target: FuzzTarget;
  origin: string;
  templates: readonly string[];
  ids: () => number[];
  /** Queries whose rows change whenever anything is written (see `fingerprint`). */
  tables: readonly string[];
  session: { cookie: string; token: string };
  runs?: number;
  /**
   * Where the app takes writes: `collections` take POSTs (`/posts`, `/posts/:id/vote`), `members`
   * PATCH, PUT and DELETE (`/posts/:id`, `/posts/:id/comments/:cid`); every `:name` is filled
   * with one of `ids()`. Two fifths of the requests are then a real client's write there.
   */
  writes?: { collections: readonly string[]; members: readonly string[] };
  /** Runs before each input, outside its before/after comparison; true when it wrote. */
  between?: () => Promise<boolean>;
  /** Headers every request carries (e.g. a client address, so rate limits key on many). */
  headers?: fc.Arbitrary<Record<string, string>>;
  /** Plausible records of the app's models, for bodies (see `body`). */
  records?: (path: string) => fc.Arbitrary<Record<string, unknown>>;
  /** Names the target in progress lines (every 1,000 inputs). */
  label: string;
}): Promise<Tally> {
  const tally: Tally = { inputs: 0, byStatus: {}, writesByStatus: {} };
  const fill = (template: string) =>
    template.replace(/:[a-zA-Z]+/g, () => String(pickId(options.ids())));
  // The database as the last request left it: a 4xx is checked against it and, having written
  // nothing, leaves it current; anything else may have written, so it is read again.
  let current: string | undefined;
  const anyRequest = fc
    .record({
      method,
      path: path(options.templates, options.ids),
      query,
      type: contentType,
      accept: fc.constantFrom(undefined, "text/html", "application/json", "*/*", "application/xml"),
      origin: fc.constantFrom(undefined, undefined, options.origin, "https://evil.example", "null"),
      withSession: fc.boolean(),
      withTokenHeader: fc.boolean(),
      withTokenField: fc.boolean(),
      upgrade: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
      real: fc.constant(false),
    })
    .chain((r) => body(r.type, options.records?.(r.path)).map((b) => ({ ...r, body: b })));
  // Requests a real client of the app would send (its session, its token, its own origin, a
  // plausible record), so writes, constraints and coercion get fuzzed, not only the guards.
  const writes = options.writes;
  const plausibleWrite = writes
    ? fc
        .record({
          target: fc.oneof(
            {
              weight: 2,
              arbitrary: fc.constantFrom(...writes.collections).map((p) => ["POST", fill(p)]),
            },
            {
              weight: 2,
              arbitrary: fc
                .tuple(
                  fc.constantFrom("PATCH", "PUT", "DELETE"),
                  fc.constantFrom(...writes.members),
                )
                .map(([m, p]) => [m, fill(p)]),
            },
          ),
          suffix: fc.constantFrom("", "", "", ".json"),
          query: fc.constantFrom("", "", "?back=/", "?_method=PATCH"),
          type: fc.constantFrom(
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=fuzzboundary",
          ),
          accept: fc.constantFrom(undefined, "text/html", "application/json"),
          origin: fc.constantFrom(undefined, options.origin),
          withSession: fc.constant(true),
          withTokenHeader: fc.boolean(),
          withTokenField: fc.constant(true),
          upgrade: fc.constant(false),
          real: fc.constant(true),
        })
        .map(({ target, suffix, ...r }) => ({
          ...r,
          method: target[0] as string,
          path: `${target[1]}${suffix}`,
        }))
        .chain((r) =>
          fc
            .oneof(
              {
                weight: 3,
                arbitrary: (options.records?.(r.path) ?? fc.constant({})).map((o) =>
                  encodeRecord(r.type, o),
                ),
              },
              { weight: 1, arbitrary: body(r.type, options.records?.(r.path)) },
            )
            .map((b) => ({ ...r, body: b })),
        )
    : undefined;
  const request = fc.tuple(
    plausibleWrite
      ? fc.oneof({ weight: 3, arbitrary: anyRequest }, { weight: 2, arbitrary: plausibleWrite })
      : anyRequest,
    options.headers ?? fc.constant({}),
  );
  await fc.assert(
    fc.asyncProperty(request, async ([r, extra]) => {
      const headers = new Headers(extra);
      if (r.type !== undefined) headers.set("Content-Type", r.type);
      if (r.accept) headers.set("Accept", r.accept);
      if (r.origin) headers.set("Origin", r.origin);
      if (r.withSession) headers.set("Cookie", options.session.cookie);
      if (r.withTokenHeader) headers.set("X-CSRF-Token", options.session.token);
      if (r.upgrade) headers.set("Upgrade", "websocket");
      let text: string | undefined;
      if (!["GET", "HEAD"].includes(r.method)) {
        text =
          r.withTokenField && r.type?.includes("urlencoded")
            ? `_csrf=${encodeURIComponent(options.session.token)}&${r.body}`
            : r.body;
      }
      const url = `${options.origin}${r.path}${r.query}`;
      let req: Request;
      try {
        req = new Request(url, { method: r.method, headers, body: text });
      } catch {
        return; // Not a request any client could send (e.g. an invalid URL or method).
      }
      if (await options.between?.()) current = undefined;
      const before = current ?? (await fingerprint(options.tables));
      const res = await options.target.fetch(req);
      if (res.webSocket) {
        res.webSocket.accept();
        res.webSocket.close(1000, "fuzz");
      }
      const answer = await res.text();
      tally.inputs += 1;
      tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
      if (r.real) tally.writesByStatus[res.status] = (tally.writesByStatus[res.status] ?? 0) + 1;
      const what = describe(r.method, url, headers, text);
      expect(res.status, `${what}\n→ ${answer.slice(0, 500)}`).toBeLessThan(500);
      current = await fingerprint(options.tables);
      if (res.status >= 400) expect(current, `a ${res.status} wrote: ${what}`).toBe(before);
      if (tally.inputs % 1000 === 0)
        console.log(JSON.stringify({ progress: options.label, ...tally }));
    }),
    { numRuns: options.runs ?? RUNS, seed: SEED, endOnFailure: true },
  );
  return tally;
}

/** A browser's cookie and CSRF token from `page`, so fuzzed requests can get past CSRF. */
export async function browserSession(
  target: FuzzTarget,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ cookie: string; token: string }> {
  const res = await target.fetch(
    new Request(url, { headers: { Accept: "text/html", ...headers } }),
  );
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? "";
  return { cookie, token };
}

/** The newest ids of `table` (at most 50), for paths and references. */
export async function tableIds(table: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM ${table} ORDER BY id DESC LIMIT 50`,
  ).all<{ id: number }>();
  return results.map((r) => r.id);
}

/** `s` as the views escape it. */
export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** A value that is usually what the field wants and sometimes anything a client could send. */
export const mostly = <T>(
  good: fc.Arbitrary<T>,
  odd: fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: odd });
