import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { demoApp } from "./support/app.ts";
import { ApiClient, Browser } from "./support/client.ts";
import { startCluster, type TestCluster } from "./support/cluster.ts";

let cluster: TestCluster;
afterEach(async () => {
  await cluster.cleanup();
});

const lastRead = () => cluster.events.filter((e) => e.kind === "read").at(-1);

describe("one replica lagging 400 ms", () => {
  beforeEach(async () => {
    cluster = await startCluster([400]);
  });

  it("a writer reads its write at once; a client without a token may read the stale replica", async () => {
    const app = demoApp(cluster.engine());
    const replicaUrl = cluster.replicas[0]?.server.url;
    const writer = new ApiClient(app);
    const stranger = new ApiClient(app);

    const id = await writer.createLink("own-write");
    expect(writer.token).toMatch(/^\d+$/);

    const own = await writer.call("GET", `/links/${id}`);
    expect(own.status).toBe(200);
    expect(lastRead()).toMatchObject({ servedBy: "primary", skipped: [{ reason: "behind" }] });

    const stale = await stranger.call("GET", `/links/${id}`);
    expect(stale.status).toBe(404);
    expect(lastRead()?.servedBy).toBe(replicaUrl);

    await cluster.replicas[0]?.feed.syncNow();
    const caughtUp = await writer.call("GET", `/links/${id}`);
    expect(caughtUp.status).toBe(200);
    expect(lastRead()).toMatchObject({ servedBy: replicaUrl, skipped: [] });
  });

  it("pages carry the token in a cookie: after a form post the redirect shows the new link", async () => {
    const app = demoApp(cluster.engine());
    const browser = new Browser(app);
    const posted = await browser.submit("/links/new", "/links", {
      title: "Posted from a form",
      url: "https://example.com/form-post",
    });
    expect(posted.status).toBe(303);
    expect(browser.token).toMatch(/^\d+$/);
    const page = await browser.request(posted.headers.get("Location") ?? "");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Posted from a form");
    expect(lastRead()?.servedBy).toBe("primary");
  });
});

it("reads are monotonic: a client that saw a fresh replica never reads an older one", async () => {
  cluster = await startCluster([0, 60_000]);
  const [fresh, old] = cluster.replicas;
  const app = demoApp(cluster.engine());
  const id = await new ApiClient(app).createLink("monotonic");
  await fresh?.feed.syncNow();

  // Without a token, reads alternate between the replicas and travel back and forth in time.
  const tokenless: number[] = [];
  for (let i = 0; i < 4; i++)
    tokenless.push((await new ApiClient(app).call("GET", `/links/${id}`)).status);
  expect(tokenless).toContain(200);
  expect(tokenless).toContain(404);

  // With one, the first fresh answer pins the client at or after that state.
  const reader = new ApiClient(app);
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) seen.push((await reader.call("GET", `/links/${id}`)).status);
  const first = seen.indexOf(200);
  expect(first).toBeGreaterThanOrEqual(0);
  expect(seen.slice(first).every((status) => status === 200)).toBe(true);
  const skippedOld = cluster.events.some((e) =>
    e.skipped.some((s) => s.url === old?.server.url && s.reason === "behind"),
  );
  expect(skippedOld).toBe(true);
});

it("under a stream of writes, no client misses its own write or goes back in time", async () => {
  cluster = await startCluster([50, 250]);
  const app = demoApp(cluster.engine());
  let writing = true;
  const background = (async () => {
    const other = new ApiClient(app);
    for (let i = 0; writing && i < 200; i++) await other.createLink(`background-${i}`);
  })();

  const client = new ApiClient(app);
  let position = 0;
  let lastSeenCount = 0;
  for (let i = 0; i < 15; i++) {
    const id = await client.createLink(`stream-${i}`);
    expect((await client.call("GET", `/links/${id}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const list = await client.call("GET", "/links?per_page=100&sort=-createdAt");
    const ids = ((await list.json()) as { data: { id: number }[] }).data.map((l) => l.id);
    expect(ids).toContain(id);
    const count = Math.max(...ids);
    expect(count).toBeGreaterThanOrEqual(lastSeenCount);
    lastSeenCount = count;
    const now = Number(client.token);
    expect(now).toBeGreaterThanOrEqual(position);
    position = now;
  }
  writing = false;
  await background;
  // Replicas take reads again once they hold the client's writes (on a quiet machine every read
  // above may have gone to the primary: the replicas lag 50 and 250 ms behind a fast stream).
  await Promise.all(cluster.replicas.map((replica) => replica.feed.syncNow()));
  expect((await client.call("GET", "/links?per_page=100")).status).toBe(200);
  expect(lastRead()?.servedBy).not.toBe("primary");
});
