/**
 * Waiting for the write lock: a write that ends wakes one waiter — the longest waiting, which keeps
 * its place across retries — instead of every waiter (each retry costs an SQLITE_BUSY error and a
 * thread hop). Concurrent transactions from real clients all commit.
 */
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, expect, it } from "vitest";
import { LockWaiters, retryWhileBusy } from "../../../src/node/libsql-server/busy.ts";
import { type Fixture, fixture } from "./fixture.ts";

it("notify wakes the longest waiter only, and a waiter that must wait again keeps its place", async () => {
  const waiters = new LockWaiters();
  const first = waiters.enter();
  const second = waiters.enter();
  const woke: string[] = [];
  const settle = () => new Promise((r) => setTimeout(r, 0));
  void waiters.wait(first, 60_000).then(() => woke.push("first"));
  void waiters.wait(second, 60_000).then(() => woke.push("second"));
  waiters.notify();
  await settle();
  expect(woke).toEqual(["first"]);
  // the first retried and met the lock again: it waits again, still ahead of the second
  void waiters.wait(first, 60_000).then(() => woke.push("first again"));
  waiters.notify();
  await settle();
  expect(woke).toEqual(["first", "first again"]);
  waiters.leave(first);
  waiters.notify();
  await settle();
  expect(woke).toEqual(["first", "first again", "second"]);
  waiters.leave(second);
});

it("a waiter whose holder is another process gets in by polling", async () => {
  const waiters = new LockWaiters();
  let tries = 0;
  const locked = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
  const result = await retryWhileBusy(
    () => {
      if (++tries < 4) throw locked;
      return "in";
    },
    waiters,
    10_000,
  );
  expect(result).toBe("in");
  expect(tries).toBe(4);
});

let fx: Fixture;
beforeEach(() => {
  fx = fixture();
});
afterEach(() => fx.cleanup());

it("forty concurrent write transactions from separate clients all commit", async () => {
  const server = await fx.start();
  const setup = fx.client(server);
  await setup.execute("CREATE TABLE t (n INTEGER)");
  await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const client = createClient({ url: server.url });
      try {
        await client.batch(
          [{ sql: "INSERT INTO t VALUES (?)", args: [i] }, "UPDATE t SET n = n WHERE n < 0"],
          "write",
        );
      } finally {
        client.close();
      }
    }),
  );
  const rs = await setup.execute("SELECT count(*) AS c FROM t");
  expect(rs.rows[0]?.c).toBe(40);
});
