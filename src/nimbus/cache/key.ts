import type { Context } from "hono";
import type { NimbusEnv } from "../env.ts";

/**
 * The key of a response: everything that can make two responses differ for two anonymous
 * viewers — method, format, host, path (so the params), query (sorted), the rule's `vary`
 * headers — and the current version of every tag, so a bump moves the key.
 */
export function responseKey(
  c: Context<NimbusEnv>,
  vary: readonly string[],
  tags: readonly string[],
  versions: readonly number[],
): string {
  const url = new URL(c.req.url);
  const query = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const headers = vary.map((name) => [name.toLowerCase(), c.req.header(name) ?? ""]);
  return JSON.stringify([
    "response",
    c.req.method,
    c.get("format"),
    url.host,
    url.pathname,
    query,
    headers,
    tags,
    versions,
  ]);
}

/** The key of a `cached()` value: the user's key and its tags' versions. */
export function valueKey(
  key: string,
  tags: readonly string[],
  versions: readonly number[],
): string {
  return JSON.stringify(["value", key, tags, versions]);
}
