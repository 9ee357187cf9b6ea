import type { Store } from "./store.ts";

// Object side of nimbus/cache's tag versions: one object per tag family (the part of a tag before
// its first ":", so `links`, `links:42` and `links:*` share one), one row per tag. A model write's
// tags all belong to its table's family, so its bump is one call on one object, as is reading the
// versions of a record page's own tags.

const TABLE = "nimbus_tag_versions";
const DDL = `CREATE TABLE ${TABLE} (tag TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID`;

/** Most tags in one call; callers split larger sets (a batch of thousands of rows) into calls of this size. */
export const MAX_TAGS_PER_CALL = 500;
/** Largest step of a bump: versions jump by a random amount, so a store that lost its rows never repeats old keys. */
const MAX_STEP = 2 ** 20;

/** A bump's step: random, so versions a lost store hands out again are not ones old keys embed. */
export function randomStep(): number {
  return 1 + Math.floor(Math.random() * MAX_STEP);
}

/** The object that keeps `tag`'s version: its family, the text before the first ":". */
export function tagFamily(tag: string): string {
  const colon = tag.indexOf(":");
  return colon === -1 ? tag : tag.slice(0, colon);
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

/**
 * Moves each of `tags` forward by its own random step (1 to 2^20) and returns the new versions,
 * in order. One call, one object, one transaction: the object runs calls one at a time.
 */
export function bumpTagVersions(store: Store, tags: unknown): number[] {
  checkTags(tags);
  store.ensure(TABLE, DDL);
  return tags.map(
    (tag) =>
      store.sql
        .exec<{ version: number }>(
          `INSERT INTO ${TABLE} (tag, version) VALUES (?, ?)
           ON CONFLICT (tag) DO UPDATE SET version = version + excluded.version RETURNING version`,
          tag,
          randomStep(),
        )
        .one().version,
  );
}

/** The versions of `tags`, in order (0 for a tag never bumped). */
export function readTagVersions(store: Store, tags: unknown): number[] {
  checkTags(tags);
  if (tags.length === 0 || !store.has(TABLE)) return tags.map(() => 0);
  const found = new Map<string, number>();
  const rows = store.sql.exec<{ tag: string; version: number }>(
    `SELECT tag, version FROM ${TABLE} WHERE tag IN (SELECT value FROM json_each(?))`,
    JSON.stringify(tags),
  );
  for (const row of rows) found.set(row.tag, row.version);
  return tags.map((tag) => found.get(tag) ?? 0);
}
