/**
 * Read-your-writes with the cache on: a client whose consistency token is newer than what an
 * entry was read at must not be served that entry. Tokens are libSQL positions (integers) or
 * D1 bookmarks (fixed-width hex, ordered as strings).
 */
const POSITION = /^\d{1,15}$/;
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** True when `client` has seen something `entry` may not have: then the entry is not served. */
export function clientIsAhead(client: string | undefined, entry: string | undefined): boolean {
  if (client === undefined) return false;
  if (entry === undefined) return true;
  if (POSITION.test(client) && POSITION.test(entry)) return Number(client) > Number(entry);
  if (BOOKMARK.test(client) && BOOKMARK.test(entry))
    return client.slice(0, 26) > entry.slice(0, 26);
  // Tokens that can't be compared: the safe answer is "ahead".
  return client !== entry;
}
