/** How one resource action (or any GET route) is cached. Times are in seconds. */
export interface CacheRule {
  /** How long an entry is served without asking the database again. */
  ttl: number;
  /**
   * Tags besides the ones that come for free (the model's table for `index`, the record's
   * `links:42` for `show`): a write that bumps any of them makes the entry unreachable.
   */
  tags?: readonly string[];
  /** After `ttl`, serve the old entry this much longer while one request refreshes it. */
  staleWhileRevalidate?: number;
  /**
   * Browsers and shared HTTP caches may keep the response (`Cache-Control: public, max-age=ttl`).
   * Only honoured for a response that carries nothing for one viewer (no CSRF token, no cookie);
   * anything else is `private, no-cache` whatever this says.
   */
  public?: boolean;
  /** Request headers that change the response (e.g. `Accept-Language`): each value is its own entry. */
  vary?: readonly string[];
}

/** The cache of one app: `createApp({ cache: { ... } })`. */
export interface CacheSettings {
  /** false turns every cache rule off (responses still get ETags). Default true. */
  enabled?: boolean;
  /**
   * Where tag versions live. "coord": nimbus/coord objects (the `NIMBUS_COORDINATOR`
   * binding, one object per tag family), one place every node reads. "local": this isolate only, right for one process.
   * Default: "coord" when the binding exists, else "local".
   */
  versions?: "coord" | "local";
  /**
   * How long a node trusts a tag version it read before reading it again, in milliseconds
   * (default 1000). A write on this node is seen at once; one on another node within this
   * bound. 0: every request reads the versions.
   */
  versionsMaxAgeMs?: number;
  /**
   * Most entries kept in this isolate's memory (default 2000); 0 turns that tier off. The least
   * recently used leave first.
   */
  memoryEntries?: number;
  /**
   * Most bytes (estimated: bodies twice, as string and UTF-8, plus headers) kept in this
   * isolate's memory (default 32 MiB); 0 turns that tier off. An entry above an eighth of it
   * is left to the shared tiers.
   */
  memoryBytes?: number;
  /** Also keep entries in the location's Cache API (`caches.default`) where it exists (default true). */
  cacheApi?: boolean;
  /** A KV namespace binding to share entries across locations (optional; KV is eventually consistent, versions keep it safe). */
  kv?: string;
}
