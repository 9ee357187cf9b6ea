import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect } from "vitest";
import { body, contentType, method, path, query } from "./arbitraries.ts";

/** Inputs per property: small in `npm test`, large from scripts/fuzz/run.ts (NIMBUS_FUZZ_RUNS). */
export const RUNS = Number((env as { NIMBUS_FUZZ_RUNS?: string }).NIMBUS_FUZZ_RUNS ?? "") || 120;
/** A fixed seed unless the script asks for another, so a failure in `npm test` replays. */
export const SEED = Number((env as { NIMBUS_FUZZ_SEED?: string }).NIMBUS_FUZZ_SEED ?? "") || 1313;

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
  /** Names the target in progress lines (every 1,000 inputs). */
  label: string;
}): Promise<Tally> {
  const tally: Tally = { inputs: 0, byStatus: {} };
  // The database as the last request left it: a 4xx is checked against it and, having written
  // nothing, leaves it current; anything else may have written, so it is read again.
  let current: string | undefined;
  const request = fc
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
    })
    .chain((r) => body(r.type).map((b) => ({ ...r, body: b })));
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const headers = new Headers();
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
      const before = current ?? (await fingerprint(options.tables));
      const res = await options.target.fetch(req);
      if (res.webSocket) {
        res.webSocket.accept();
        res.webSocket.close(1000, "fuzz");
      }
      const answer = await res.text();
      tally.inputs += 1;
      tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
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
