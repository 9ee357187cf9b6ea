import type { Context } from "hono";
import type { Entry } from "./entry.ts";
import { registerRuntime } from "./outside.ts";
import {
  CacheApiTier,
  KvTier,
  MEMORY_BYTES,
  MEMORY_ENTRIES,
  MemoryTier,
  type Tier,
} from "./tiers.ts";
import type { CacheSettings } from "./types.ts";
import { TagVersions } from "./versions.ts";

/** A background task the runtime may keep alive past the response (`waitUntil`), if it can. */
export type Defer = (task: Promise<unknown>) => void;

/** How long a request waits for another request's regeneration of the same key before doing its own. */
const WAIT_FOR_FILL_MS = 10_000;

/**
 * One app's cache: its tiers, its tag versions, the regenerations under way. Created once by
 * createApp(); everything in it may be lost at any time (a restart) at the cost of speed only.
 */
export class CacheRuntime {
  readonly enabled: boolean;
  readonly #settings: CacheSettings;
  readonly #memory: MemoryTier | undefined;
  readonly #shared: Tier[];
  readonly #filling = new Map<string, Promise<Entry | null>>();
  #versions: TagVersions | undefined;
  /** Sent by the background refresh of a stale entry, so that request regenerates it. */
  #refreshSecret: string | undefined;
  /** Made on first use: workerd forbids random values in global scope, where apps are created. */
  get refreshSecret(): string {
    this.#refreshSecret ??= crypto.randomUUID();
    return this.#refreshSecret;
  }
  /** Set by createApp: how a stale entry is refreshed after its response (a request to the app itself). */
  refresh: ((request: Request, c: Context) => void) | undefined;
  /**
   * Set by createApp: its security headers, put into a cache hit's response as it is made
   * instead of one call at a time afterwards.
   */
  securityHeaders: readonly (readonly [string, string])[] | undefined;

  constructor(settings: CacheSettings = {}) {
    this.#settings = settings;
    this.enabled = settings.enabled !== false;
    const size = settings.memoryEntries ?? MEMORY_ENTRIES;
    const bytes = settings.memoryBytes ?? MEMORY_BYTES;
    this.#memory = size > 0 && bytes > 0 ? new MemoryTier(size, bytes) : undefined;
    this.#shared = [];
    if (settings.cacheApi !== false) this.#shared.push(new CacheApiTier());
    if (settings.kv) this.#shared.push(new KvTier(settings.kv));
    registerRuntime(this);
  }

  /** The tag versions, shared through nimbus/coord when the env has its binding (or the settings say so). */
  versions(env: unknown): TagVersions {
    if (!this.#versions) {
      const mode =
        this.#settings.versions ??
        ((env as Record<string, unknown> | undefined)?.NIMBUS_COORDINATOR ? "coord" : "local");
      this.#versions = new TagVersions(mode === "coord", this.#settings.versionsMaxAgeMs ?? 1000);
    }
    return this.#versions;
  }

  /** The entry under `key` in this isolate's memory, if it is there. */
  inMemory(key: string): Entry | undefined {
    return this.#memory?.get(key);
  }

  /** The entry under `key` from the nearest tier that has it (copied into memory). */
  async lookup(key: string, env: unknown): Promise<Entry | undefined> {
    const near = this.#memory?.get(key);
    if (near) return near;
    for (const tier of this.#shared) {
      const entry = await tier.get(key, env);
      if (entry && Date.now() <= entry.staleUntil) {
        this.#memory?.put(key, entry);
        return entry;
      }
    }
    return undefined;
  }

  /** Keeps `entry` in memory now and in the shared tiers in the background. */
  store(key: string, entry: Entry, env: unknown, defer: Defer): void {
    this.#memory?.put(key, entry);
    for (const tier of this.#shared) defer(Promise.resolve(tier.put(key, entry, env)));
  }

  /**
   * Stampede protection: one regeneration of `key` at a time on this node. The first caller
   * runs `fill`; the others wait for its entry (null: not shareable, regenerate yourself).
   */
  async once(key: string, fill: () => Promise<Entry | null>): Promise<Entry | null> {
    const running = this.#filling.get(key);
    if (running) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), WAIT_FOR_FILL_MS);
      });
      try {
        return await Promise.race([running.catch(() => null), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    const mine = fill();
    this.#filling.set(key, mine);
    try {
      return await mine;
    } finally {
      this.#filling.delete(key);
    }
  }

  /** Regenerations running now (for tests of stampede protection). */
  get filling(): number {
    return this.#filling.size;
  }

  /** Drops this node's entries and remembered versions, as a restart would. */
  forget(): void {
    this.#memory?.clear();
    this.#versions?.forget();
  }
}
