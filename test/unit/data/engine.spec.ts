import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp, databaseFromEnv, sql } from "../../../src/nimbus/index.ts";
import { demoApp } from "./support/app.ts";
import { ApiClient, ENV } from "./support/client.ts";
import { startCluster, type TestCluster } from "./support/cluster.ts";

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster([60_000]);
});
afterAll(async () => {
  await cluster.cleanup();
});

it("DATABASE_URL and DATABASE_REPLICA_URLS select libSQL; without them the D1 binding is asked for", async () => {
  const app = createApp({ database: databaseFromEnv(), logRequests: false }).get("/n", async (c) =>
    c.json(await c.var.db.get(sql`SELECT count(*) AS n FROM links`)),
  );
  const env = {
    ...ENV,
    DATABASE_URL: cluster.primary.url,
    DATABASE_REPLICA_URLS: cluster.replicas.map((r) => r.server.url).join(", "),
  };
  const res = await new ApiClient(app, env).call("GET", "/n");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ n: expect.any(Number) });

  const d1 = await new ApiClient(app, ENV).call("GET", "/n");
  expect(d1.status).toBe(500);
  expect(await d1.text()).toContain('No D1 binding \\"DB\\"');
});

it("without replicas, reads go straight to the primary and writes still hand out tokens", async () => {
  const app = demoApp(cluster.engine({ replicas: [] }));
  const client = new ApiClient(app);
  const id = await client.createLink("primary-only");
  const token = Number(client.token);
  expect(token).toBeGreaterThan(0);
  expect((await client.call("GET", `/links/${id}`)).status).toBe(200);
  expect(cluster.events.at(-1)).toMatchObject({
    servedBy: "primary",
    skipped: [],
    position: token,
  });
});

it("a duplicate is a 422 with the field's error, and writes nothing", async () => {
  const app = demoApp(cluster.engine());
  const client = new ApiClient(app);
  await client.createLink("unique");
  const before = Number(client.token);
  const res = await client.call("POST", "/links", {
    title: "again",
    url: "https://example.com/unique",
  });
  expect(res.status).toBe(422);
  expect(JSON.stringify(await res.json())).toContain("has already been taken");
  expect(Number(client.token)).toBe(before);
});

it("transactions commit with the position bumped, and roll back without a trace", async () => {
  const engine = cluster.engine();
  const app = createApp({ database: engine, logRequests: false }).post("/pair/:fail", async (c) => {
    const fail = c.req.param("fail") === "yes";
    await c.var.db
      .transaction(async (tx) => {
        await tx.run(
          sql`INSERT INTO links (created_at, updated_at, title, url) VALUES (0, 0, 'a', ${`tx-a-${fail}`})`,
        );
        if (fail) throw new Error("rolled back on purpose");
        await tx.run(
          sql`INSERT INTO links (created_at, updated_at, title, url) VALUES (0, 0, 'b', 'tx-b')`,
        );
      })
      .catch(() => undefined);
    const rows = await c.var.db.all<{ url: string }>(
      sql`SELECT url FROM links WHERE url LIKE 'tx-%' ORDER BY url`,
    );
    return c.json(rows.map((row) => row.url));
  });
  const client = new ApiClient(app);
  const ok = await client.call("POST", "/pair/no");
  expect(await ok.json()).toEqual(["tx-a-false", "tx-b"]);
  const committed = Number(client.token);
  expect(cluster.events.at(-2)).toMatchObject({ kind: "transaction", position: committed });
  const failed = await client.call("POST", "/pair/yes");
  expect(await failed.json()).toEqual(["tx-a-false", "tx-b"]);
  expect(Number(client.token)).toBe(committed);
});

it("a token from the future (a reset database, a forged cookie) heals on the primary", async () => {
  const app = demoApp(cluster.engine());
  const client = new ApiClient(app);
  client.token = "999999999";
  expect((await client.call("GET", "/links")).status).toBe(200);
  expect(Number(client.token)).toBeLessThan(999_999_999);
  expect(cluster.events.at(-1)?.servedBy).toBe("primary");
  client.token = "not-a-number";
  expect((await client.call("GET", "/links")).status).toBe(200);
});

it("a dropped position table (a reset database) is made again on the next write", async () => {
  const app = demoApp(cluster.engine());
  const client = new ApiClient(app);
  await client.createLink("before-reset");
  expect(Number(client.token)).toBeGreaterThan(1);
  const primary = createClient({ url: cluster.primary.url });
  await primary.execute("DROP TABLE _nimbus_position");
  primary.close();
  const id = await client.createLink("after-reset");
  expect(client.token).toBe("1");
  expect((await client.call("GET", `/links/${id}`)).status).toBe(200);
});
