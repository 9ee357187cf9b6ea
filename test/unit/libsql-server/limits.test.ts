/** The server's limits: statement time, result size, open streams — each a clear Hrana error. */
import { LibsqlError } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
beforeEach(() => {
  fx = fixture();
});
afterEach(() => fx.cleanup());

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)";

async function errorOf(promise: Promise<unknown>): Promise<LibsqlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LibsqlError);
  return err as LibsqlError;
}

describe("statement time limit", () => {
  it("interrupts a statement past the limit, while other clients and /health are served", async () => {
    const server = await fx.start({ statementTimeoutMs: 1_500 });
    const slow = fx.client(server);
    const other = fx.client(server);
    const order: string[] = [];
    const slowDone = errorOf(slow.execute(`${ENDLESS} SELECT count(*) FROM c`)).then((err) => {
      order.push("slow");
      return err;
    });
    await new Promise((r) => setTimeout(r, 100));
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect((await other.execute("SELECT 41 + 1 AS n")).rows[0]?.n).toBe(42);
    order.push("others");
    const err = await slowDone;
    expect(err.code).toBe("SQLITE_INTERRUPT");
    expect(err.message).toMatch(/longer than the server's limit of 1500 ms/);
    expect(order).toEqual(["others", "slow"]);
  });

  it("keeps nothing of an interrupted write", async () => {
    const server = await fx.start({ statementTimeoutMs: 300 });
    const db = fx.client(server);
    await db.execute("CREATE TABLE t (x INTEGER)");
    const err = await errorOf(db.execute(`${ENDLESS} INSERT INTO t SELECT x FROM c`));
    expect(err.code).toBe("SQLITE_INTERRUPT");
    expect((await db.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(0);
    await db.execute("INSERT INTO t VALUES (1)");
    expect((await db.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(1);
  });
});

describe("result size limit", () => {
  it("ends a read whose rows exceed the limit with RESPONSE_TOO_LARGE; the stream goes on", async () => {
    const server = await fx.start({ maxResultBytes: 20_000 });
    const db = fx.client(server);
    await db.execute("CREATE TABLE t (v TEXT)");
    await db.execute(`${ENDLESS} INSERT INTO t SELECT printf('%0100d', x) FROM c LIMIT 500`);
    const tx = await db.transaction("write");
    const err = await errorOf(tx.execute("SELECT v FROM t"));
    expect(err.code).toBe("RESPONSE_TOO_LARGE");
    expect(err.message).toMatch(/20000 bytes/);
    expect((await tx.execute("SELECT count(*) AS n FROM t WHERE v > ''")).rows[0]?.n).toBe(500);
    await tx.execute("DELETE FROM t WHERE rowid > 10");
    await tx.commit();
    expect((await db.execute("SELECT v FROM t")).rows).toHaveLength(10);
  });
});

describe("open streams limit", () => {
  it("refuses a stream past the limit with TOO_MANY_STREAMS, and serves again once one closes", async () => {
    const server = await fx.start({ maxStreams: 2 });
    const [a, b, c] = [fx.client(server), fx.client(server), fx.client(server)];
    const ta = await a.transaction("deferred");
    const tb = await b.transaction("deferred");
    // the HTTP client opens a transaction's stream with its first statement
    await Promise.all([ta.execute("SELECT 1"), tb.execute("SELECT 1")]);
    const err = await errorOf(c.execute("SELECT 1"));
    expect(err.code).toBe("TOO_MANY_STREAMS");
    ta.close();
    await new Promise((r) => setTimeout(r, 50));
    expect((await c.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    await tb.commit();
  });
});
