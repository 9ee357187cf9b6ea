import type { Context } from "hono";
import { readToken } from "../db/consistency/token.ts";
import { bypassed } from "./action.ts";
import type { Entry } from "./entry.ts";
import { clientIsAhead } from "./freshness.ts";
import { valueKey } from "./key.ts";
import { logFailure, type RequestCache } from "./request.ts";

/** Options of `cached()`: seconds to keep the value, and the tags whose writes drop it. */
export interface CachedOptions {
  ttl: number;
  tags?: readonly string[];
}

// Dates survive the trip through JSON (drizzle's timestamp columns are Dates).
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? { $nimbusDate: raw.getTime() } : value;
}
function reviver(_key: string, value: unknown): unknown {
  const date = (value as { $nimbusDate?: unknown } | null)?.$nimbusDate;
  return typeof date === "number" ? new Date(date) : value;
}

function requestCache(c: Context): RequestCache | undefined {
  const cache = (c as Context<{ Variables: { cache?: RequestCache } }>).get("cache");
  return cache?.runtime.enabled ? cache : undefined;
}

/**
 * The value `load` returns, kept under `key` for `ttl` seconds and dropped when any of `tags`
 * is invalidated (a model write bumps its table's tag, e.g. "links", and its rows' "links:42").
 * The value must survive JSON (Dates do). One load per key at a time on a node.
 *
 * @example
 * const top = await cached(c, "top-links", { ttl: 60, tags: ["links"] }, () =>
 *   c.var.db.select().from(links).orderBy(desc(links.votes)).limit(10).all());
 */
export async function cached<T>(
  c: Context,
  key: string,
  options: CachedOptions,
  load: () => T | Promise<T>,
): Promise<T> {
  const rc = requestCache(c);
  if (!rc || bypassed(c)) return load();
  const tags = options.tags ?? [];
  let full: string;
  let found: Entry | undefined;
  try {
    full = valueKey(key, tags, await rc.runtime.versions(c.env).read(c.env, tags, rc));
    found = await rc.runtime.lookup(full, c.env);
  } catch (error) {
    // The versions' home or a tier is out of reach: the value comes from its source instead.
    logFailure("reading tag versions or an entry (loaded uncached)", error);
    return load();
  }
  if (found && Date.now() <= found.freshUntil && !clientIsAhead(readToken(c), found.token)) {
    return JSON.parse(found.body, reviver) as T;
  }
  let value: T | undefined;
  let mine = false;
  const entry = await rc.runtime.once(full, async () => {
    mine = true;
    value = await load();
    const body = JSON.stringify(value, replacer);
    if (body === undefined) return null;
    const made: Entry = {
      status: 200,
      headers: [],
      body,
      placeholder: null,
      etag: "",
      token: rc.dbToken() ?? readToken(c),
      freshUntil: Date.now() + options.ttl * 1000,
      staleUntil: Date.now() + options.ttl * 1000,
    };
    rc.runtime.store(full, made, c.env, rc.defer);
    return made;
  });
  if (mine) return value as T;
  return entry ? (JSON.parse(entry.body, reviver) as T) : load();
}

/**
 * Makes every entry tagged with any of `tags` unreachable, on every node. Model writes through
 * `c.var.db` do this by themselves; call it after raw SQL or a change Nimbus can't see.
 *
 * @example
 * await invalidate(c, "links", `links:${id}`);
 */
export async function invalidate(c: Context, ...tags: string[]): Promise<void> {
  await requestCache(c)?.invalidate(tags);
}
