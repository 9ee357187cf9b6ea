/**
 * The mirrored database under a stream of creates through the app in workerd: 3 dqlite nodes,
 * the app on one node's libSQL endpoint. A follower killed -9: no request fails, no pause
 * beyond about one request; back, it catches up. The leader killed -9 (its dqlite member and
 * its endpoint, as when the machine dies): writes resume on the new leader without restarting
 * anything, every acknowledged create is there exactly once, the survivors hold identical
 * content (a checksum of every table of each node's own copy); the stall is printed. The old
 * leader, back, catches up.
 */
import { join } from "node:path";
import { createClient } from "@libsql/client";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type MirroredCluster, startMirroredCluster } from "../../src/node/dqlite/cluster.ts";
import type { MirroredNode } from "../../src/node/dqlite/node.ts";
import { migrate, openLibsql } from "../../src/node/migrate/index.ts";
import { MIGRATIONS } from "../unit/data/support/cluster.ts";
import { bundleWorker, startWorker, tempDir } from "../unit/data/support/workerd.ts";
import { AckClock, convergedChecksum } from "./support/mirrored.ts";
import { startStream } from "./support/stream.ts";

const temp = tempDir("nimbus-chaos-mirrored-");
let cluster: MirroredCluster | undefined;
let mf: Miniflare | undefined;
let app: MirroredNode;
let leader: MirroredNode;
let follower: MirroredNode;

afterAll(async () => {
  await mf?.dispose().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  temp.remove();
}, 60_000);

beforeAll(async () => {
  cluster = await startMirroredCluster({ dir: join(temp.dir, "db"), nodes: 3 });
  const leading = await cluster.leader();
  leader = cluster.nodes[leading] as MirroredNode;
  app = cluster.nodes[(leading + 1) % 3] as MirroredNode;
  follower = cluster.nodes[(leading + 2) % 3] as MirroredNode;
  const setup = await openLibsql(app.url);
  await migrate(setup.target, MIGRATIONS);
  await setup.close();
  const scriptPath = await bundleWorker(temp.dir);
  mf = startWorker({
    scriptPath,
    persistTo: join(temp.dir, "state"),
    vars: { DATABASE_URL: app.url },
  });
}, 180_000);

/** Creates through the app in workerd, tagged `prefix-N`; acknowledgements are timed. */
function createStream(prefix: string) {
  const clock = new AckClock();
  const failures: string[] = [];
  const stream = startStream(
    async (tag) => {
      const res = await (mf as Miniflare).dispatchFetch("http://nimbus.test/links", {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": "application/json" },
        body: JSON.stringify({
          title: `Link ${tag}`,
          url: `https://example.com/${tag}`,
          description: `written by ${tag}`,
        }),
      });
      const body = await res.text();
      const ok = res.status >= 200 && res.status < 300;
      if (ok) clock.tick();
      else if (failures.length < 5) failures.push(`${res.status} ${body.slice(0, 300)}`);
      return ok;
    },
    4,
    prefix,
  );
  return { stream, clock, failures };
}

async function storedTags(prefix: string): Promise<string[]> {
  const client = createClient({ url: app.url });
  try {
    const result = await client.execute({
      sql: "SELECT url FROM links WHERE url LIKE ?",
      args: [`https://example.com/${prefix}-%`],
    });
    return result.rows.map((row) => String(row.url).replace("https://example.com/", ""));
  } finally {
    client.close();
  }
}

const alive = () => (cluster as MirroredCluster).nodes.filter((node) => node.dqlite !== null);

it("a follower killed -9 under writes: nothing fails, no pause beyond about one request", async () => {
  const { stream, clock } = createStream("follower");
  await stream.untilMore(30);
  const killedAt = Date.now();
  await follower.stop("SIGKILL");
  await stream.untilMore(60);
  const { acknowledged, failed } = await stream.stop();
  const longest = clock.longestGapSince(killedAt);
  console.log(
    `mirrored: follower killed — longest pause ${longest} ms (median gap between acks ${clock.medianGapBefore(killedAt)} ms, 4 clients)`,
  );
  expect(failed).toEqual([]);
  const stored = new Set(await storedTags("follower"));
  expect(acknowledged.filter((tag) => !stored.has(tag))).toEqual([]);
});

it("the follower, back, catches up with what was written while it was down", async () => {
  await follower.startDqlite();
  await follower.startLibsql();
  const content = await convergedChecksum(alive());
  expect(content.integrity).toEqual(["ok"]);
  expect(content.rows.links).toBeGreaterThanOrEqual(90);
});

it("the leader killed -9 under writes: writes resume on a new leader, no acknowledged write lost or doubled, survivors identical", async () => {
  const { stream, clock, failures } = createStream("leader");
  await stream.untilMore(30);
  const killedAt = Date.now();
  await leader.stop("SIGKILL");
  await stream.untilMore(40, 45_000);
  const { acknowledged, failed } = await stream.stop();
  const stall = clock.longestGapSince(killedAt);
  console.log(
    `mirrored: leader killed — write stall ${stall} ms; ${acknowledged.length} creates acknowledged, ${failed.length} failed`,
    ...failures,
  );

  const stored = await storedTags("leader");
  expect(acknowledged.filter((tag) => !stored.includes(tag))).toEqual([]);
  expect(stored.length).toBe(new Set(stored).size);
  // Anything stored was either acknowledged or reported as failed: nothing appeared from nowhere.
  const sent = new Set([...acknowledged, ...failed]);
  expect(stored.filter((tag) => !sent.has(tag))).toEqual([]);

  const newLeader = await (cluster as MirroredCluster).leader();
  expect((cluster as MirroredCluster).nodes[newLeader]).not.toBe(leader);
  const content = await convergedChecksum(alive());
  expect(content.integrity).toEqual(["ok"]);
});

it("the old leader, back, catches up", async () => {
  await leader.startDqlite();
  await leader.startLibsql();
  const content = await convergedChecksum(alive());
  expect(alive()).toHaveLength(3);
  expect(content.integrity).toEqual(["ok"]);
});

it("DATABASE_URL listing every endpoint: the app's own endpoint dies with its leader, requests move to the next", async () => {
  const c = cluster as MirroredCluster;
  const leading = await c.leader();
  const dying = c.nodes[leading] as MirroredNode;
  const urls = [dying, ...c.nodes.filter((node) => node !== dying)].map((node) => node.url);
  const listed = startWorker({
    scriptPath: await bundleWorker(join(temp.dir, "listed")),
    persistTo: join(temp.dir, "state-listed"),
    vars: { DATABASE_URL: urls.join(",") },
  });
  // The requests in flight on the dead endpoint fail and the app logs each: keep the output short.
  const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const previous = mf;
    mf = listed;
    const { stream, clock } = createStream("listed");
    await stream.untilMore(30);
    const killedAt = Date.now();
    await dying.stop("SIGKILL");
    await stream.untilMore(40, 45_000);
    const { acknowledged, failed } = await stream.stop();
    mf = previous;
    console.log(
      `mirrored: the app's first endpoint died with the leader — stall ${clock.longestGapSince(killedAt)} ms, ${failed.length} requests failed (in flight on the dead endpoint)`,
    );
    app = c.nodes.find((node) => node !== dying) as MirroredNode;
    const stored = new Set(await storedTags("listed"));
    expect(acknowledged.filter((tag) => !stored.has(tag))).toEqual([]);
    await convergedChecksum(alive());
  } finally {
    logged.mockRestore();
    await listed.dispose().catch(() => undefined);
  }
});
