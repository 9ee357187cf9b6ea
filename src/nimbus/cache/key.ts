import type { Context } from "hono";
import type { NimbusEnv } from "../env.ts";
import { hostOfUrl } from "../security/host-check.ts";

/** Host, path and `?query` of a request URL. */
function urlParts(url: string): { host: string; path: string; search: string } {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart === -1 || url.includes("#")) {
    const parsed = new URL(url);
    return { host: parsed.host, path: parsed.pathname, search: parsed.search };
  }
  const queryStart = url.indexOf("?", pathStart);
  return {
    host: hostOfUrl(url),
    path: url.slice(pathStart, queryStart === -1 ? undefined : queryStart),
    search: queryStart === -1 ? "" : url.slice(queryStart),
  };
}

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
  // The runtime hands over an absolute, already normalised URL (lower-case host, no default
  // port): its parts are cut out of the text instead of parsing it again on every hit.
  const { host, path, search } = urlParts(c.req.url);
  const query =
    search === ""
      ? []
      : [...new URLSearchParams(search)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const headers = vary.map((name) => [name.toLowerCase(), c.req.header(name) ?? ""]);
  return JSON.stringify([
    "response",
    c.req.method,
    c.get("format"),
    host,
    path,
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
