/**
 * nimbus/cache: read-through caching with versioned tags. Exported from the main entry
 * (`nimbus-web`), because the resource `cache:` option and write invalidation are wired by
 * createApp() and resource(), which live there.
 * @module
 */
export { cacheResponse } from "./action.ts";
export type { RequestCache, WriteEvent } from "./request.ts";
export type { CacheRule, CacheSettings } from "./types.ts";
export { type CachedOptions, cached, invalidate } from "./value.ts";
