import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type ReplicaFeed,
  startReplicaFeed,
} from "../../../src/node/libsql-server/replica-feed.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
let feed: ReplicaFeed | undefined;

beforeEach(() => {
  fx = fixture();
});
afterEach(async () => {
  await feed?.stop();
  feed = undefined;
  await fx.cleanup();
});

it("feeds a replica server that lags behind its primary, then catches up", async () => {
  const primary = await fx.start({ file: join(fx.dir, "primary.db") });
  const replica = await fx.start({ file: join(fx.dir, "replica.db") });
  const writer = fx.client(primary);
  const reader = fx.client(replica);
  await writer.executeMultiple(`
    CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL);
    CREATE INDEX posts_title ON posts (title);
    CREATE VIEW titles AS SELECT title FROM posts;
    INSERT INTO posts (title) VALUES ('first');
  `);
  feed = startReplicaFeed({
    primaryFile: primary.file,
    replicaFile: replica.file,
    lagMs: 400,
    pollMs: 20,
  });
  await feed.syncNow();
  expect((await reader.execute("SELECT title FROM titles")).rows.map((r) => r.title)).toEqual([
    "first",
  ]);

  const written = Date.now();
  await writer.execute("INSERT INTO posts (title) VALUES ('second')");
  const count = async () =>
    Number((await reader.execute("SELECT count(*) AS n FROM posts")).rows[0]?.n);
  await new Promise((r) => setTimeout(r, 150));
  expect(await count()).toBe(1); // stale: the replica trails by 400 ms

  while ((await count()) < 2) {
    expect(Date.now() - written).toBeLessThan(3_000);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(Date.now() - written).toBeGreaterThanOrEqual(380);
  expect(feed.appliedAt).toBeGreaterThanOrEqual(written);
  // the copy is faithful: schema objects and AUTOINCREMENT state came along
  const seq = await reader.execute("SELECT seq FROM sqlite_sequence WHERE name = 'posts'");
  expect(seq.rows[0]?.seq).toBe(2);
  const idx = await reader.execute(
    "SELECT name FROM sqlite_schema WHERE type = 'index' AND name = 'posts_title'",
  );
  expect(idx.rows).toHaveLength(1);
  // writes on the primary never block on the feed, and syncNow skips the lag
  await writer.execute("INSERT INTO posts (title) VALUES ('third')");
  await feed.syncNow();
  expect(await count()).toBe(3);
});
