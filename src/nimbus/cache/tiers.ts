import type { Entry } from "./entry.ts";

/** Where entries are kept. Losing any tier only costs speed: a miss regenerates from the database. */
export interface Tier {
  get(key: string, env: unknown): Promise<Entry | undefined> | Entry | undefined;
  put(key: string, entry: Entry, env: unknown): Promise<void> | void;
  clear?(): void;
}

/** This isolate's memory, least recently used out first. */
export class MemoryTier implements Tier {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly capacity: number) {}

  get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (Date.now() > entry.staleUntil) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  put(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
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
