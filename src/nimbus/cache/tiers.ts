import type { Entry } from "./entry.ts";

/** Where entries are kept. Losing any tier only costs speed: a miss regenerates from the database. */
export interface Tier {
  get(key: string, env: unknown): Promise<Entry | undefined> | Entry | undefined;
  put(key: string, entry: Entry, env: unknown): Promise<void> | void;
  clear?(): void;
}

/** Default caps of the memory tier (per isolate): see `CacheSettings.memoryEntries` / `memoryBytes`. */
export const MEMORY_ENTRIES = 2000;
export const MEMORY_BYTES = 32 * 1024 * 1024;

/**
 * What an entry costs this isolate, roughly, in bytes: its body twice (the string, and the UTF-8
 * copy `personalize` encodes once and keeps beside it), its headers, and a fixed overhead for the
 * objects around them. An estimate to cap on, not an exact count.
 */
export function entryBytes(entry: Entry): number {
  let bytes = 256 + 2 * entry.body.length;
  for (const [name, value] of entry.headers) bytes += name.length + value.length + 32;
  return bytes;
}

/**
 * This isolate's memory, least recently used out first, bounded twice: at most `capacity`
 * entries and at most `maxBytes` (by `entryBytes`). An entry bigger than an eighth of
 * `maxBytes` is not kept here (the shared tiers may still keep it), so one huge page can't
 * empty the tier. Entries past their stale time leave when found, or as the oldest.
 */
export class MemoryTier implements Tier {
  readonly #entries = new Map<string, { entry: Entry; bytes: number }>();
  #bytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = MEMORY_BYTES,
  ) {}

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Estimated bytes held now (the sum of `entryBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): Entry | undefined {
    const kept = this.#entries.get(key);
    if (!kept) return undefined;
    this.#remove(key);
    if (Date.now() > kept.entry.staleUntil) return undefined;
    this.#entries.set(key, kept);
    this.#bytes += kept.bytes;
    return kept.entry;
  }

  put(key: string, entry: Entry): void {
    this.#remove(key);
    const bytes = entryBytes(entry);
    if (bytes > this.maxBytes / 8) return;
    this.#entries.set(key, { entry, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.capacity || this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#remove(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #remove(key: string): void {
    const kept = this.#entries.get(key);
    if (!kept) return;
    this.#entries.delete(key);
    this.#bytes -= kept.bytes;
  }
}

/** Keys become URLs of a host nobody serves, hashed so any key fits. */
async function keyUrl(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `https://nimbus-cache.invalid/${hex}`;
}

function lifetime(entry: Entry): number {
  return Math.max(1, Math.ceil((entry.staleUntil - Date.now()) / 1000));
}

/**
 * The Cache API of this location (`caches.default`): shared by every isolate there, on
 * Cloudflare and under Miniflare. Plain workerd without a cache service keeps nothing, which
 * is harmless.
 */
export class CacheApiTier implements Tier {
  async get(key: string): Promise<Entry | undefined> {
    const cache = defaultCache();
    if (!cache) return undefined;
    try {
      const res = await cache.match(await keyUrl(key));
      return res ? ((await res.json()) as Entry) : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, entry: Entry): Promise<void> {
    const cache = defaultCache();
    if (!cache) return;
    const res = new Response(JSON.stringify(entry), {
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": `max-age=${lifetime(entry)}`,
      },
    });
    try {
      await cache.put(await keyUrl(key), res);
    } catch {
      // A cache that refuses a put costs a later miss, nothing else.
    }
  }
}

function defaultCache(): Cache | undefined {
  const storage = (globalThis as { caches?: CacheStorage & { default?: Cache } }).caches;
  return storage?.default;
}

/** A KV namespace (global, eventually consistent): safe because a bumped version changes the key. */
export class KvTier implements Tier {
  constructor(readonly binding: string) {}

  async get(key: string, env: unknown): Promise<Entry | undefined> {
    const kv = this.#namespace(env);
    return (await kv.get<Entry>(await keyUrl(key), "json")) ?? undefined;
  }

  async put(key: string, entry: Entry, env: unknown): Promise<void> {
    const kv = this.#namespace(env);
    // KV keeps a key at least 60 s.
    const expirationTtl = Math.max(60, lifetime(entry));
    await kv.put(await keyUrl(key), JSON.stringify(entry), { expirationTtl });
  }

  #namespace(env: unknown): KVNamespace {
    const kv = (env as Record<string, unknown> | undefined)?.[this.binding] as
      | KVNamespace
      | undefined;
    if (!kv || typeof kv.get !== "function") {
      throw new Error(
        `nimbus/cache: env.${this.binding} is not a KV namespace. Add [[kv_namespaces]] binding = "${this.binding}" to wrangler.toml, or drop the cache's kv setting.`,
      );
    }
    return kv;
  }
}
