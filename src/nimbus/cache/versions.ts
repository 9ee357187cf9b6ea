import { type CoordBindings, coordinatorStub } from "../coord/bindings.ts";
import { MAX_TAGS_PER_CALL, tagFamily } from "../coord/tag-versions.ts";
import type { CoordinatorCalls } from "../coord/transport.ts";
import { BumpBatches, ignore, type KeepAlive } from "./bump-batches.ts";

/**
 * Local versions (no shared place) start at the isolate's first use of them, in milliseconds
 * times this: a restarted isolate's versions are above every version an earlier one handed out
 * (unless a tag was bumped this many times per millisecond), so entries an earlier isolate left
 * in the Cache API are never served again under a repeated version.
 */
const LOCAL_PER_MS = 1024;
/** Tags remembered per node; past this the oldest are forgotten (and read again when needed). */
const MAX_TAGS = 50_000;

interface Known {
  version: number;
  readAt: number;
}

/** The coordinator object that keeps the versions of one tag family (`links`, `links:42`, `links:*`). */
function familyObject(env: CoordBindings, family: string): CoordinatorCalls {
  return coordinatorStub(env, "cache-versions", family);
}

/** `tags` grouped by family, in the order first seen. */
function byFamily(tags: Iterable<string>): Map<string, string[]> {
  const families = new Map<string, string[]>();
  for (const tag of tags) {
    const family = tagFamily(tag);
    const list = families.get(family);
    if (list) list.push(tag);
    else families.set(family, [tag]);
  }
  return families;
}

/** `list` cut into calls of at most MAX_TAGS_PER_CALL tags. */
function inCalls(list: string[]): string[][] {
  const calls: string[][] = [];
  for (let i = 0; i < list.length; i += MAX_TAGS_PER_CALL) {
    calls.push(list.slice(i, i + MAX_TAGS_PER_CALL));
  }
  return calls;
}

/** `tags` grouped by family, in calls of at most MAX_TAGS_PER_CALL tags. */
function callsByFamily(tags: Iterable<string>): [family: string, tags: string[]][] {
  return [...byFamily(tags)].flatMap(([family, list]) =>
    inCalls(list).map((call): [string, string[]] => [family, call]),
  );
}

/**
 * Each tag's version, kept in one shared place (nimbus/coord objects, one per tag family) and
 * remembered here for `maxAgeMs`. A cache key embeds the versions of its tags, so a bump makes
 * every older entry unreachable on every node, with no delete to broadcast. A write's tags
 * (a table's and its rows') are one family: one call bumps them all; a page's are read in one
 * call per family.
 */
export class TagVersions {
  readonly #known = new Map<string, Known>();
  readonly #reading = new Map<string, Promise<number>>();
  readonly #batches = new BumpBatches();
  #localBase: number | undefined;

  constructor(
    readonly shared: boolean,
    readonly maxAgeMs: number,
  ) {}

  /**
   * The versions of `tags`, in order. Other requests of this isolate may wait on a call this
   * read sends: `keep` (the request's waitUntil) keeps it going if this request ends first.
   */
  read(env: unknown, tags: readonly string[], keep?: KeepAlive): Promise<number[]> | number[] {
    const now = Date.now();
    const out: number[] = [];
    let stale: string[] | undefined;
    for (const tag of tags) {
      const known = this.#known.get(tag);
      if (known && (!this.shared || now - known.readAt < this.maxAgeMs)) out.push(known.version);
      else if (!this.shared) out.push(this.#local());
      else if (stale) stale.push(tag);
      else stale = [tag];
    }
    if (!stale) return out;
    this.#fetch(env as CoordBindings, stale, keep);
    return Promise.all(
      tags.map((tag) => this.#reading.get(tag) ?? this.#known.get(tag)?.version ?? 0),
    );
  }

  /**
   * Moves `tags` to new versions, here and in the shared place (one call per tag family);
   * resolves once every node can see it. Returns the new versions. `keep` (the request's
   * waitUntil) keeps a batch this bump opens going if its request ends first.
   */
  async bump(env: unknown, tags: Iterable<string>, keep?: KeepAlive): Promise<Map<string, number>> {
    const unique = new Set(tags);
    const bumped = new Map<string, number>();
    if (!this.shared) {
      for (const tag of unique) {
        bumped.set(tag, this.#remember(tag, (this.#known.get(tag)?.version ?? this.#local()) + 1));
      }
      return bumped;
    }
    for (const tag of unique) {
      // Refused here, not by the object: a bad tag must not fail the other bumps of its batch.
      if (typeof tag !== "string" || tag.length === 0) {
        throw new TypeError(
          `nimbus/cache: a tag is a non-empty string, got ${JSON.stringify(tag)}`,
        );
      }
    }
    const families = byFamily(unique);
    // One call per family, shared with the bumps other requests of this isolate ask for meanwhile.
    await Promise.all(
      [...families].map(async ([family, list]) => {
        const versions = await this.#batches.bump(
          family,
          list,
          (batch) => this.#send(env as CoordBindings, family, batch),
          keep,
        );
        for (const tag of list) bumped.set(tag, versions.get(tag) ?? 0);
      }),
    );
    return bumped;
  }

  /** One batch of a family's bumps, in calls of at most MAX_TAGS_PER_CALL tags; remembered here. */
  async #send(env: CoordBindings, family: string, tags: string[]): Promise<Map<string, number>> {
    const object = familyObject(env, family);
    const bumped = new Map<string, number>();
    await Promise.all(
      inCalls(tags).map(async (call) => {
        const versions = await object.bumpTags(call);
        for (const [i, tag] of call.entries())
          bumped.set(tag, this.#remember(tag, versions[i] ?? 0));
      }),
    );
    return bumped;
  }

  /** Takes in versions another bump in this isolate made (never going back). */
  learn(versions: Map<string, number>): void {
    for (const [tag, version] of versions) this.#remember(tag, version);
  }

  /** Forgets every remembered version (as a restart would); the shared place still has them. */
  forget(): void {
    if (this.shared) this.#known.clear();
  }

  /** A local tag's version before its first bump (made on first use: the clock is 0 at startup in workerd). */
  #local(): number {
    this.#localBase ??= Date.now() * LOCAL_PER_MS;
    return this.#localBase;
  }

  /** Reads `tags` not already being read, one call per family; concurrent readers share a call. */
  #fetch(env: CoordBindings, tags: readonly string[], keep: KeepAlive | undefined): void {
    const wanted = new Set(tags.filter((tag) => !this.#reading.has(tag)));
    for (const [family, list] of callsByFamily(wanted)) {
      const call = familyObject(env, family).readTags(list);
      keep?.keepAlive(call.then(ignore, ignore));
      for (const [i, tag] of list.entries()) {
        const reading = call
          .then((versions) => this.#remember(tag, versions[i] ?? 0))
          .finally(() => this.#reading.delete(tag));
        this.#reading.set(tag, reading);
      }
    }
  }

  #remember(tag: string, version: number): number {
    const known = this.#known.get(tag);
    // Never back: a read that started before a bump may answer after it.
    const newest = Math.max(version, known?.version ?? 0);
    if (known) this.#known.delete(tag);
    else if (this.#known.size >= MAX_TAGS) {
      const [oldest, forgotten] = this.#known.entries().next().value ?? [];
      if (oldest !== undefined) this.#known.delete(oldest);
      // Local versions exist only here: a forgotten tag must never read an old version again.
      if (!this.shared && forgotten) {
        this.#localBase = Math.max(this.#local(), Date.now() * LOCAL_PER_MS, forgotten.version + 1);
      }
    }
    this.#known.set(tag, { version: newest, readAt: Date.now() });
    return newest;
  }
}
