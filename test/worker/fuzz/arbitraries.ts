// What the fuzz suites throw at an app: methods, paths with odd ids, queries, headers,
// content types and bodies (malformed JSON, deep nesting, huge values, unicode, NUL, SQL and
// HTML injection).
import fc from "fast-check";

/** Strings that break naive escaping or SQL building. */
export const INJECTIONS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  "'; DROP TABLE links; --",
  "Robert'); DROP TABLE comments;--",
  "1; SELECT * FROM sqlite_master",
  "{{7*7}}<%= 7*7 %>#{7*7}",
  "javascript:alert(1)",
  "</title><svg onload=alert(1)>",
  "a\u0000b",
  "\u202egnp.exe",
  "💥 zero\u200bwidth",
  "../../../etc/passwd",
  "%00%0d%0aSet-Cookie:x=1",
  "&amp;&lt;&#39;",
  "\\\\server\\share",
] as const;

export const injection = fc.constantFrom(...INJECTIONS);

/** Any text: short, unicode (lone surrogates too), injection, or huge. */
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: injection },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 1000, max: 300_000 }))
      .map(([s, n]) => s.repeat(Math.ceil(n / s.length))),
  },
);

const idSegment = (ids: () => number[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(null).map(() => String(pickFrom(ids()))) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "0",
        "-1",
        "abc",
        "1e3",
        "0x10",
        "99999999999999999999",
        "%00",
        "%2e%2e",
        "%E2%80%AE",
        "1%20OR%201=1",
        "ü",
        "",
        "1.json",
        "..",
      ),
    },
    { weight: 1, arbitrary: fc.nat().map(String) },
  );

function pickFrom(list: number[]): number {
  return list.length === 0 ? 1 : (list[Math.floor(Math.random() * list.length)] ?? 1);
}

/** A path from `templates` (`:id` filled with real, odd or missing ids), sometimes with `.json`. */
export function path(templates: readonly string[], ids: () => number[]) {
  return fc
    .tuple(
      fc.constantFrom(...templates),
      fc.array(idSegment(ids), { minLength: 3, maxLength: 3 }),
      fc.constantFrom("", "", "", ".json", "/", "//", "/extra", "%2F"),
    )
    .map(([template, segments, suffix]) => {
      let i = 0;
      return template.replace(/:[a-zA-Z]+/g, () => segments[i++] ?? "1") + suffix;
    });
}

const queryKey = fc.oneof(
  fc.constantFrom("page", "per_page", "sort", "direction", "url", "title", "back", "since", "q"),
  fc.string({ maxLength: 8 }),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    "-1",
    "0",
    "1",
    "2",
    "1e309",
    "NaN",
    "99999999999",
    "title",
    "-title",
    "createdAt",
    "asc",
    "desc",
    "",
  ),
  text.map((s) => s.slice(0, 200)),
);
export const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? "" : `?${new URLSearchParams(pairs).toString()}`));

export const method = fc.constantFrom(
  "GET",
  "GET",
  "GET",
  "POST",
  "POST",
  "POST",
  "PATCH",
  "PUT",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "TRACE",
);

export const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "Application/JSON; charset=UTF-8",
  "application/merge-patch+json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzzboundary",
  "multipart/form-data",
  "text/plain",
  "Text/Plain; x=application/json",
  "application/xml",
  "application/json; charset=utf-16",
  "garbage",
  ";;;",
  "application/",
);

const fieldNames = fc.constantFrom(
  "title",
  "url",
  "description",
  "author",
  "body",
  "votes",
  "id",
  "createdAt",
  "linkId",
  // The generated scaffold's fields (test/worker/fuzz/scaffold-fixture.ts).
  "name",
  "email",
  "bio",
  "words",
  "published",
  "rating",
  "publishedAt",
  "authorId",
  "slug",
  "password",
  "back",
  "_method",
  "_csrf",
  "__proto__",
  "constructor",
);

const jsonValue = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);

const jsonObject = fc.dictionary(fieldNames, jsonValue, { maxKeys: 6 });

/**
 * A body for `type`: often well-formed for it, often not. `records` (plausible records of the
 * app's models) lets some of them get past validation, so writes and constraints are fuzzed too.
 */
export function body(
  type: string | undefined,
  records: fc.Arbitrary<Record<string, unknown>> = fc.constant({}),
) {
  const json = fc.oneof(
    { weight: 4, arbitrary: jsonObject.map((o) => JSON.stringify(o)) },
    { weight: 3, arbitrary: records.map((o) => encodeRecord("application/json", o)) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "{",
        "[]",
        "null",
        "1",
        '"x"',
        '{"title":}',
        "\u0000",
        '{"a":1,}',
        "",
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 10, max: 20_000 })
        .map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 10, max: 50_000 })
        .map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
    },
  );
  const form = fc.oneof(
    fc
      .dictionary(
        fieldNames,
        text.map((s) => s.slice(0, 5000)),
        { maxKeys: 6 },
      )
      .map((o) => new URLSearchParams(o as Record<string, string>).toString()),
    records.map((o) => encodeRecord("application/x-www-form-urlencoded", o)),
  );
  const multipart = fc.dictionary(fieldNames, fc.string({ maxLength: 30 }), { maxKeys: 4 }).map(
    (o) =>
      `${Object.entries(o)
        .map(
          ([k, v]) =>
            `--fuzzboundary\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
        )
        .join("")}--fuzzboundary--\r\n`,
  );
  const raw = fc.oneof(text, fc.string({ unit: "binary", maxLength: 200 }));
  const lower = (type ?? "").toLowerCase();
  if (lower.includes("json")) return fc.oneof(json, raw);
  if (lower.includes("urlencoded")) return fc.oneof(form, raw);
  if (lower.includes("multipart")) return fc.oneof(multipart, raw);
  return fc.oneof(raw, json, form);
}

/** `record` as a client sends it with Content-Type `type` (JSON, a form, or multipart). */
export function encodeRecord(type: string, record: Record<string, unknown>): string {
  if (type.includes("json")) return JSON.stringify(record);
  const pairs = Object.entries(record).map(([k, v]) => [k, v === null ? "" : String(v)]);
  if (type.includes("urlencoded")) return new URLSearchParams(pairs).toString();
  return `${pairs
    .map(
      ([k, v]) => `--fuzzboundary\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    )
    .join("")}--fuzzboundary--\r\n`;
}
