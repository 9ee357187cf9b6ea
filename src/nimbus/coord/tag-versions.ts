import type { Store } from "./store.ts";

// Object side of nimbus/cache's tag versions: one object per tag family (the part of a tag before
// its first ":", so `links`, `links:42` and `links:*` share one). A model write's tags all belong
// to its table's family, so its bump is one call on one object, as is reading the versions of a
// record page's own tags.
//
// Versions live in the object's memory, not its storage: a bump writes nothing, which is most of
// what a bump used to cost (a storage commit per write). A version is `epoch * PER_EPOCH + bumps`;
// the epoch is the one stored value, moved forward each time the object starts (or its memory
// fills). Whatever the object forgot by restarting, every version it hands out afterwards is
// higher than any it handed out before: a restart makes the family's entries unreachable (a cache
// flush, costing speed), never brings an old entry back.

const EPOCH_TABLE = "nimbus_tag_epoch";
const EPOCH_DDL = `CREATE TABLE ${EPOCH_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), epoch INTEGER NOT NULL)`;

/** Bumps one tag takes within one epoch; a version is `epoch * PER_EPOCH + bumps`. */
export const PER_EPOCH = 2 ** 20;
/** Epochs start at the seconds since this instant, so a store that lost its epoch still moves forward. */
const CLOCK_ORIGIN_MS = Date.UTC(2025, 0, 1);
/** Tags an object keeps in memory; past this it starts a new epoch (and forgets them). */
const MAX_REMEMBERED = 50_000;
/** Most tags in one call; callers split larger sets (a batch of thousands of rows) into calls of this size. */
export const MAX_TAGS_PER_CALL = 500;

/** The object that keeps `tag`'s version: its family, the text before the first ":". */
export function tagFamily(tag: string): string {
  const colon = tag.indexOf(":");
  return colon === -1 ? tag : tag.slice(0, colon);
}

/** The first epoch a fresh start may use: the clock's seconds since CLOCK_ORIGIN_MS. */
export function clockEpoch(now = Date.now()): number {
  return Math.max(1, Math.floor((now - CLOCK_ORIGIN_MS) / 1000));
}

function checkTags(tags: unknown): asserts tags is string[] {
  if (
    !Array.isArray(tags) ||
    tags.length > MAX_TAGS_PER_CALL ||
    !tags.every((t) => typeof t === "string" && t.length > 0)
  ) {
    throw new TypeError(
      `nimbus/cache: tag versions are asked for by a list of 0 to ${MAX_TAGS_PER_CALL} non-empty strings`,
    );
  }
}

/** One family object's tag versions: the epoch (stored) and this epoch's bumps (in memory). */
export class TagVersionBook {
  #epoch: number | undefined;
  readonly #bumps = new Map<string, number>();

  constructor(readonly store: Store) {}

  /** Moves each of `tags` forward by one and returns the new versions, in order. */
  bump(tags: unknown): number[] {
    checkTags(tags);
    const full = this.#bumps.size + tags.length > MAX_REMEMBERED;
    if (full || tags.some((tag) => (this.#bumps.get(tag) ?? 0) >= PER_EPOCH - 1)) {
      this.#startEpoch();
    }
    const base = this.#base();
    return tags.map((tag) => {
      const bumps = (this.#bumps.get(tag) ?? 0) + 1;
      this.#bumps.set(tag, bumps);
      return base + bumps;
    });
  }

  /** The current versions of `tags`, in order. */
  read(tags: unknown): number[] {
    checkTags(tags);
    const base = this.#base();
    return tags.map((tag) => base + (this.#bumps.get(tag) ?? 0));
  }

  #base(): number {
    if (this.#epoch === undefined) this.#startEpoch();
    return (this.#epoch as number) * PER_EPOCH;
  }

  /** A new epoch, stored before any version of it is handed out: above every earlier one and the clock's. */
  #startEpoch(): void {
    this.store.ensure(EPOCH_TABLE, EPOCH_DDL);
    this.#epoch = this.store.sql
      .exec<{ epoch: number }>(
        `INSERT INTO ${EPOCH_TABLE} (id, epoch) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET epoch = max(epoch + 1, excluded.epoch) RETURNING epoch`,
        clockEpoch(),
      )
      .one().epoch;
    this.#bumps.clear();
  }
}
