import type { CoordBindings } from "../coord/bindings.ts";
import { counter } from "../coord/counter.ts";

/** Largest step of a bump: versions jump by a random amount, so a store that lost its counters never repeats old keys. */
const MAX_STEP = 2 ** 20;
/** Tags remembered per node; past this the oldest are forgotten (and read again when needed). */
const MAX_TAGS = 50_000;

interface Known {
  version: number;
  readAt: number;
}

/**
 * Each tag's version, kept in one shared place (a nimbus/coord counter per tag, `cache:<tag>`)
 * and remembered here for `maxAgeMs`. A cache key embeds the versions of its tags, so a bump
 * makes every older entry unreachable on every node, with no delete to broadcast.
 */
export class TagVersions {
  readonly #known = new Map<string, Known>();
  readonly #reading = new Map<string, Promise<number>>();

  constructor(
    readonly shared: boolean,
    readonly maxAgeMs: number,
  ) {}

  /** The versions of `tags`, in order. */
  read(env: unknown, tags: readonly string[]): Promise<number[]> | number[] {
    const now = Date.now();
    let pending = false;
    const out: (number | Promise<number>)[] = tags.map((tag) => {
      const known = this.#known.get(tag);
      if (known && (!this.shared || now - known.readAt < this.maxAgeMs)) return known.version;
      if (!this.shared) return 0;
      pending = true;
      return this.#fetch(env as CoordBindings, tag);
    });
    return pending ? Promise.all(out) : (out as number[]);
  }

  /**
   * Moves `tags` to new versions, here and in the shared place; resolves once every node can
   * see it. Returns the new versions.
   */
  async bump(env: unknown, tags: Iterable<string>): Promise<Map<string, number>> {
    const unique = [...new Set(tags)];
    const bumped = new Map<string, number>();
    await Promise.all(
      unique.map(async (tag) => {
        const step = 1 + Math.floor(Math.random() * MAX_STEP);
        const version = this.shared
          ? await counter(env as CoordBindings, `cache:${tag}`).increment(step)
          : (this.#known.get(tag)?.version ?? 0) + step;
        bumped.set(tag, this.#remember(tag, version));
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

  #fetch(env: CoordBindings, tag: string): Promise<number> {
    let reading = this.#reading.get(tag);
    if (!reading) {
      reading = counter(env, `cache:${tag}`)
        .get()
        .then((version) => this.#remember(tag, version))
        .finally(() => this.#reading.delete(tag));
      this.#reading.set(tag, reading);
    }
    return reading;
  }

  #remember(tag: string, version: number): number {
    const known = this.#known.get(tag);
    // Never back: a read that started before a bump may answer after it.
    const newest = Math.max(version, known?.version ?? 0);
    if (known) this.#known.delete(tag);
    else if (this.#known.size >= MAX_TAGS) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
    this.#known.set(tag, { version: newest, readAt: Date.now() });
    return newest;
  }
}
