import type { Context, MiddlewareHandler } from "hono";
import { readToken } from "../db/consistency/token.ts";
import type { NimbusEnv } from "../env.ts";
import { knownBody, rememberBody } from "../http/known-body.ts";
import { hstsHeader, markSecured, withSecurityHeaders } from "../security/headers.ts";
import type { Session } from "../security/session.ts";
import { type Entry, personalize, strongEtag } from "./entry.ts";
import { clientIsAhead } from "./freshness.ts";
import { matchesEtag, notModified, PRIVATE } from "./http.ts";
import { responseKey } from "./key.ts";
import { logFailure, type RequestCache } from "./request.ts";
import type { CacheRuntime } from "./runtime.ts";
import type { CacheRule } from "./types.ts";
import { shareable, standInSession, storable } from "./viewer.ts";

/**
 * How the response was made: `hit`, `stale` (served while refreshing), `miss` (regenerated and
 * stored), `private` (for this viewer alone), `unavailable` (the cache was out of reach, so the
 * response was made as with the cache off).
 */
export const STATUS_HEADER = "Nimbus-Cache";
const UNAVAILABLE = "unavailable";
/** Request header that, with the `NIMBUS_CACHE_BYPASS` secret, turns the cache off for one request. */
export const BYPASS_HEADER = "Nimbus-Cache-Bypass";
/** Header the background refresh of a stale entry carries (with the runtime's secret). */
export const REFRESH_HEADER = "Nimbus-Cache-Refresh";
/** Headers of a response that belong to its request, not to the entry. */
const NOT_STORED = new Set([
  "set-cookie",
  "etag",
  "cache-control",
  "content-length",
  "nimbus-consistency",
  "nimbus-cache",
]);
/** Bodies we read to validate: pages and JSON, never a stream of something else. */
const TEXTUAL = /^(text\/|application\/(json|problem\+json|xml))/;

/**
 * Caches a GET route's response per the rule: served from the nearest tier while fresh (and
 * its tags unchanged), regenerated once per key on this node when not, and answered with a
 * strong ETag (304 on If-None-Match). `tagsOf` names the tags that come for free.
 */
export function cacheResponse(
  rule: CacheRule,
  tagsOf: (c: Context<NimbusEnv>) => string[] = () => [],
): MiddlewareHandler<NimbusEnv> {
  const ttlMs = rule.ttl * 1000;
  const staleMs = (rule.staleWhileRevalidate ?? 0) * 1000;
  return async (c, next) => {
    const rc = c.get("cache") as RequestCache | undefined;
    if (c.req.method !== "GET") return next();
    if (!rc?.runtime.enabled || !shareable(c) || bypassed(c)) {
      await next();
      return validated(c);
    }
    let status: "hit" | "stale" | "miss" = "hit";
    const runtime = rc.runtime;
    const tags = [...tagsOf(c), ...(rule.tags ?? [])];
    let key: string;
    let stored: Entry | undefined;
    const refreshing = c.req.header(REFRESH_HEADER) === runtime.refreshSecret;
    try {
      // Known versions and an entry in this isolate's memory answer without a promise.
      const read = runtime.versions(c.env).read(c.env, tags, rc);
      key = responseKey(c, rule.vary ?? [], tags, Array.isArray(read) ? read : await read);
      stored = refreshing
        ? undefined
        : (runtime.inMemory(key) ?? (await runtime.lookup(key, c.env)));
    } catch (error) {
      // The versions' home (nimbus/coord) or a tier is out of reach: answer as with the cache
      // off. Without current versions no entry can be trusted, and the page itself needs only
      // the database, so an unreachable cache costs speed, never the answer.
      logFailure("reading tag versions or an entry (answered uncached)", error);
      await next();
      const res = await validated(c);
      res.headers.set(STATUS_HEADER, UNAVAILABLE);
      return res;
    }
    const now = Date.now();

    let entry = stored;
    // Read-your-writes: a client that has seen more than the entry gets a fresh answer.
    if (entry && clientIsAhead(readToken(c), entry.token)) entry = undefined;
    if (entry && now > entry.freshUntil) {
      if (now <= entry.staleUntil && runtime.refresh) {
        runtime.refresh(refreshRequest(c, rule, runtime.refreshSecret), c);
        status = "stale";
      } else entry = undefined;
    }
    if (entry) return serve(c, entry, rule, status, runtime);

    let regenerated = false;
    const fresh = await runtime.once(key, async () => {
      regenerated = true;
      const placeholder = crypto.randomUUID();
      const standIn = standInSession(placeholder);
      const real = c.get("session");
      c.set("session", standIn);
      try {
        await next();
      } finally {
        c.set("session", real);
      }
      const res = c.res;
      if (!storable(res, standIn) || !TEXTUAL.test(res.headers.get("Content-Type") ?? "")) {
        await adopt(c, standIn, placeholder);
        return null;
      }
      const body = knownBody(res) ?? (await res.text());
      const made: Entry = {
        status: res.status,
        headers: [...res.headers].filter(([name]) => !NOT_STORED.has(name.toLowerCase())),
        body,
        placeholder: body.includes(placeholder) ? placeholder : null,
        etag: await strongEtag(body),
        token: rc.dbToken() ?? readToken(c),
        freshUntil: Date.now() + ttlMs,
        staleUntil: Date.now() + ttlMs + staleMs,
      };
      runtime.store(key, made, c.env, rc.defer);
      return made;
    });
    // A request that waited for another's regeneration was served from the cache too.
    if (fresh) return serve(c, fresh, rule, regenerated ? "miss" : "hit", runtime);
    // Not shareable: this request's own answer (a waiter for someone else's runs its own).
    if (!c.finalized) await next();
    return validated(c);
  };
}

/**
 * A response rendered with the stand-in session that can't be shared goes to this viewer
 * alone: what the handler did to the session is done to theirs, and their token replaces the
 * placeholder.
 */
async function adopt(c: Context<NimbusEnv>, standIn: Session, placeholder: string): Promise<void> {
  const real = c.get("session");
  for (const [name, value] of Object.entries(standIn.toJSON())) {
    if (name !== "csrf") real.set(name, value);
  }
  const res = c.res;
  if (!TEXTUAL.test(res.headers.get("Content-Type") ?? "")) return;
  const body = knownBody(res) ?? (await res.text());
  const personal = body.includes(placeholder)
    ? body.replaceAll(placeholder, real.csrfToken())
    : body;
  replace(
    c,
    rememberBody(new Response(personal, { status: res.status, headers: res.headers }), personal),
  );
}

/**
 * Makes `res` the request's response as it is: Hono's own setter would copy the old response's
 * headers over it, and a middleware's return value is ignored once a handler has answered.
 */
function replace(c: Context<NimbusEnv>, res: Response): Response {
  c.res = undefined as unknown as Response;
  c.res = res;
  return res;
}

/** True when the request carries the operator's bypass secret. */
export function bypassed(c: Context): boolean {
  const secret = (c.env as { NIMBUS_CACHE_BYPASS?: string } | undefined)?.NIMBUS_CACHE_BYPASS;
  return secret !== undefined && secret !== "" && c.req.header(BYPASS_HEADER) === secret;
}

function refreshRequest(c: Context<NimbusEnv>, rule: CacheRule, secret: string): Request {
  const headers = new Headers({ [REFRESH_HEADER]: secret });
  for (const name of ["Accept", ...(rule.vary ?? [])]) {
    const value = c.req.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  return new Request(c.req.url, { headers });
}

/** The entry as this viewer gets it: their CSRF token in place, its ETag, 304 when they have it. */
function serve(
  c: Context<NimbusEnv>,
  entry: Entry,
  rule: CacheRule,
  status: "hit" | "stale" | "miss",
  runtime: CacheRuntime,
): Response {
  const token = entry.placeholder === null ? undefined : c.get("session").csrfToken();
  const { body, etag } = personalize(entry, token);
  const cacheControl =
    rule.public && entry.placeholder === null ? `public, max-age=${rule.ttl}` : PRIVATE;
  if (matchesEtag(c.req.header("If-None-Match"), etag)) {
    const res = notModified(etag, cacheControl);
    res.headers.set(STATUS_HEADER, status);
    return replace(c, res);
  }
  // The entry's headers with the app's security headers, made once per entry: the runtime
  // copies them into the response in one step, leaving this request's own to set.
  const list = runtime.securityHeaders;
  const res = new Response(body, {
    status: entry.status,
    headers: headersOf(entry, cacheControl, list),
  });
  res.headers.set("ETag", etag);
  if (status !== "hit") res.headers.set(STATUS_HEADER, status);
  if (!list) return replace(c, res);
  const hsts = hstsHeader(c);
  if (hsts) res.headers.set(hsts[0], hsts[1]);
  return replace(c, markSecured(res));
}

/** Each entry's headers as a hit sends them (but the ETag), built once; never changed after. */
const templates = new WeakMap<Entry, { cacheControl: string; headers: Headers }>();

function headersOf(
  entry: Entry,
  cacheControl: string,
  list: readonly (readonly [string, string])[] | undefined,
): Headers {
  let template = templates.get(entry);
  if (template?.cacheControl !== cacheControl) {
    const headers = new Headers(
      (list ? withSecurityHeaders(entry.headers, list) : entry.headers) as [string, string][],
    );
    headers.set("Cache-Control", cacheControl);
    headers.set(STATUS_HEADER, "hit");
    template = { cacheControl, headers };
    templates.set(entry, template);
  }
  return template.headers;
}

/** A response rendered for this viewer alone: private, with a strong ETag and 304 when it matches. */
export async function validated(c: Context<NimbusEnv>): Promise<Response> {
  const res = c.res;
  if (res.status !== 200 || !TEXTUAL.test(res.headers.get("Content-Type") ?? "")) return res;
  // A page Nimbus rendered is a string already: no reading the body back, no copy around it.
  const known = knownBody(res);
  const body = known ?? (await res.text());
  const etag = await strongEtag(body);
  if (matchesEtag(c.req.header("If-None-Match"), etag)) {
    const notNew = notModified(etag, PRIVATE, res.headers.getSetCookie());
    notNew.headers.set(STATUS_HEADER, "private");
    return replace(c, notNew);
  }
  if (known !== undefined) {
    // Made with `new Response` here, so its headers are mutable and its body is unread.
    markPrivate(res.headers, etag);
    return res;
  }
  const headers = markPrivate(new Headers(res.headers), etag);
  return replace(c, new Response(body, { status: res.status, headers }));
}

/** The headers of a page rendered for one viewer: its strong ETag, private, said so. */
function markPrivate(headers: Headers, etag: string): Headers {
  headers.set("ETag", etag);
  headers.set("Cache-Control", PRIVATE);
  headers.set(STATUS_HEADER, "private");
  return headers;
}
