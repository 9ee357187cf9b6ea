import { createServer, type Server, type Socket } from "node:net";
import { createClient } from "@libsql/client";
import { afterEach, expect, it } from "vitest";
import { sql } from "../../../src/nimbus/index.ts";
import { demoApp } from "./support/app.ts";
import { ApiClient } from "./support/client.ts";
import { startCluster, type TestCluster } from "./support/cluster.ts";

let cluster: TestCluster;
afterEach(async () => {
  await cluster.cleanup();
});

const lastRead = () => cluster.events.filter((e) => e.kind === "read").at(-1);

it("a replica that is down is skipped without an error, then left alone for a while", async () => {
  cluster = await startCluster([0]);
  const app = demoApp(cluster.engine({ replicaCooldownMs: 60_000 }));
  const client = new ApiClient(app);
  const id = await client.createLink("down");
  await cluster.replicas[0]?.feed.syncNow();
  const reader = new ApiClient(app);
  expect((await reader.call("GET", `/links/${id}`)).status).toBe(200);
  expect(lastRead()?.servedBy).toBe(cluster.replicas[0]?.server.url);

  await cluster.replicas[0]?.server.close();
  expect((await reader.call("GET", `/links/${id}`)).status).toBe(200);
  expect(lastRead()).toMatchObject({ servedBy: "primary", skipped: [{ reason: "down" }] });
  expect((await reader.call("GET", "/links")).status).toBe(200);
  expect(lastRead()).toMatchObject({ servedBy: "primary", skipped: [] });
});

it("a replica that hangs costs one timeout, then is skipped at once", async () => {
  cluster = await startCluster([]);
  const sockets = new Set<Socket>();
  const hung: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
  const address = hung.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const app = demoApp(
      cluster.engine({ replicas: [`http://127.0.0.1:${port}`], replicaTimeoutMs: 300 }),
    );
    const client = new ApiClient(app);
    const id = await client.createLink("hang");
    const stranger = new ApiClient(app);

    let started = performance.now();
    expect((await stranger.call("GET", `/links/${id}`)).status).toBe(200);
    const first = performance.now() - started;
    expect(first).toBeGreaterThanOrEqual(290);
    expect(first).toBeLessThan(2_000);
    expect(lastRead()).toMatchObject({ servedBy: "primary", skipped: [{ reason: "down" }] });

    started = performance.now();
    expect((await stranger.call("GET", `/links/${id}`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(250);
    expect(lastRead()).toMatchObject({ servedBy: "primary", skipped: [] });
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
  }
});

it("a statement error is the primary's to answer, and does not mark the replica down", async () => {
  cluster = await startCluster([60_000]);
  const engine = cluster.engine();
  const app = demoApp(engine).get("/fresh", async (c) =>
    c.json(await c.var.db.all(sql`SELECT id FROM fresh`)),
  );
  // A table only the primary has yet: a replica behind in schema must not fail the read.
  const primary = createClient({ url: cluster.primary.url });
  await primary.batch([
    "CREATE TABLE fresh (id INTEGER PRIMARY KEY)",
    "INSERT INTO fresh (id) VALUES (7)",
  ]);
  primary.close();
  const res = await new ApiClient(app).call("GET", "/fresh");
  expect(await res.json()).toEqual([{ id: 7 }]);
  expect(lastRead()).toMatchObject({ servedBy: "primary", skipped: [{ reason: "statement" }] });
  expect(engine.cluster.replicas[0]?.downUntil).toBe(0);

  const broken = await new ApiClient(app).call("GET", "/links?sort=nope");
  expect(broken.status).toBe(400);
  expect(engine.cluster.replicas[0]?.downUntil).toBe(0);
});
