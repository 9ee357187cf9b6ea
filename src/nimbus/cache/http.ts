/** True when the request's If-None-Match names `etag` (weak comparison, as RFC 9110 says for it). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => bare(tag) === etag);
}

/** 304 Not Modified: the validator and caching headers, no body. */
export function notModified(etag: string, cacheControl: string, cookies: string[] = []): Response {
  const headers = new Headers({ ETag: etag, "Cache-Control": cacheControl });
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return new Response(null, { status: 304, headers });
}

/** Private to one viewer: browsers may keep it, but must ask (with the ETag) before reusing it. */
export const PRIVATE = "private, no-cache";
