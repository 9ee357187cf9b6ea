import { type Client, LibsqlError } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;

beforeEach(() => {
  fx = fixture();
});
afterEach(() => fx.cleanup());

async function setup(options = {}): Promise<{ server: LibsqlServer; a: Client; b: Client }> {
  const server = await fx.start(options);
  const a = fx.client(server);
  const b = fx.client(server);
  await a.executeMultiple(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0);",
  );
  return { server, a, b };
}

const count = async (c: Client) =>
  Number((await c.execute("SELECT count(*) AS n FROM t")).rows[0]?.n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("interactive transactions", () => {
  it("isolates uncommitted writes and publishes them on commit", async () => {
    const { a, b } = await setup();
    const tx = await a.transaction("write");
    await tx.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: ["x"] });
    expect(Number((await tx.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(1);
    expect(await count(b)).toBe(0);
    await tx.commit();
    expect(await count(b)).toBe(1);
  });

  it("leaves nothing behind after a rollback", async () => {
    const { a, b } = await setup();
    const tx = await a.transaction("write");
    await tx.batch(["INSERT INTO t (v) VALUES ('1')", "INSERT INTO t (v) VALUES ('2')"]);
    await tx.executeMultiple("INSERT INTO t (v) VALUES ('3'); UPDATE counter SET n = 99;");
    await tx.rollback();
    expect(await count(b)).toBe(0);
    expect((await b.execute("SELECT n FROM counter")).rows[0]?.n).toBe(0);
  });

  it("rolls back when the client closes the transaction without committing", async () => {
    const { a, b } = await setup();
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('dropped')");
    tx.close();
    // the write lock is released: this write does not wait for the stream to expire
    const started = Date.now();
    await b.execute("INSERT INTO t (v) VALUES ('kept')");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await b.execute("SELECT v FROM t")).rows.map((r) => r.v)).toEqual(["kept"]);
  });

  it("serializes two concurrent write transactions (no lost update)", async () => {
    const { a, b } = await setup();
    const increment = async (client: Client, holdMs: number) => {
      const tx = await client.transaction("write");
      const n = Number((await tx.execute("SELECT n FROM counter")).rows[0]?.n);
      await sleep(holdMs);
      await tx.execute({ sql: "UPDATE counter SET n = ?", args: [n + 1] });
      await tx.commit();
      return Date.now();
    };
    const first = increment(a, 150);
    await sleep(20);
    const second = increment(b, 0);
    const [firstDone, secondDone] = await Promise.all([first, second]);
    expect((await a.execute("SELECT n FROM counter")).rows[0]?.n).toBe(2);
    expect(secondDone).toBeGreaterThanOrEqual(firstDone);
  });

  it("lets readers read while a writer holds the lock (WAL)", async () => {
    const { a, b } = await setup();
    await a.execute("INSERT INTO t (v) VALUES ('committed')");
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('pending')");
    const started = Date.now();
    const rows = (await b.execute("SELECT v FROM t")).rows.map((r) => r.v);
    expect(Date.now() - started).toBeLessThan(500);
    expect(rows).toEqual(["committed"]);
    await tx.commit();
  });

  it("gives a read transaction a stable snapshot", async () => {
    const { a, b } = await setup();
    const tx = await a.transaction("read");
    expect(Number((await tx.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(0);
    await b.execute("INSERT INTO t (v) VALUES ('later')");
    expect(Number((await tx.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(0);
    await tx.commit();
    expect(await count(a)).toBe(1);
  });

  it("fails a writer with SQLITE_BUSY after the busy timeout", async () => {
    const { a, b } = await setup({ busyTimeoutMs: 200 });
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('holder')");
    const started = Date.now();
    let settled = false;
    const waiting = b
      .execute("INSERT INTO t (v) VALUES ('waiter')")
      .catch((e: unknown) => e)
      .finally(() => {
        settled = true;
      });
    // the holder stays active: an idle one would be rolled back before the busy timeout
    while (!settled) {
      await tx.execute("SELECT 1");
      await sleep(20);
    }
    const err = await waiting;
    const waited = Date.now() - started;
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe("SQLITE_BUSY");
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(2_000);
    await tx.commit();
    expect(await count(b)).toBe(1);
  });

  it("expires an idle stream, rolling back its transaction", async () => {
    const { a, b } = await setup({ streamIdleTimeoutMs: 200 });
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('abandoned')");
    await sleep(600);
    const err = await tx.execute("SELECT 1").catch((e: unknown) => e);
    expect((err as LibsqlError).code).toBe("STREAM_EXPIRED");
    expect(await count(b)).toBe(0);
    await b.execute("INSERT INTO t (v) VALUES ('next')");
    expect(await count(b)).toBe(1);
  });

  it("runs many concurrent writes from many streams", async () => {
    const { a, b } = await setup();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [`w${i}`] }),
      ),
    );
    expect(await count(a)).toBe(60);
  });
});
