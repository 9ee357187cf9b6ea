/**
 * Regression: a statement stopped by SQLITE_BUSY used to stay running inside SQLite, so the
 * pooled connection kept a hidden transaction and later writes served on it were acknowledged
 * but never committed. Two real clients reproduce the sequence; what is on disk is read by a
 * separate process, which sees only committed data.
 */
import { execFileSync } from "node:child_process";
import { type Client, LibsqlError } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
beforeEach(() => {
  fx = fixture();
});
afterEach(() => fx.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `sql` on the database file in a separate Node process (committed data only). */
function onDisk(file: string, sql: string): unknown[] {
  const script = `const D = require("libsql"); const db = new D(process.argv[1]);
    process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).raw(true).all()));`;
  const out = execFileSync(process.execPath, ["-e", script, file, sql], { encoding: "utf8" });
  return JSON.parse(out) as unknown[];
}

async function errorOf(promise: Promise<unknown>): Promise<LibsqlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LibsqlError);
  return err as LibsqlError;
}

const WRITTEN = ["w0", "w1", "w2", "w3", "w4", "w5"].map((v) => [v]);

/**
 * Writes through `b` after its failed statement, concurrently so that every pooled connection
 * (the one the statement failed on included) serves some; each must be committed as acknowledged.
 */
async function writeAfterFailure(b: Client): Promise<void> {
  await Promise.all(
    WRITTEN.map(([v]) => b.execute({ sql: "INSERT INTO later (v) VALUES (?)", args: [v ?? null] })),
  );
  await Promise.all([
    b.execute("CREATE TABLE made_later (x)"),
    b.batch(["INSERT INTO t (v) VALUES ('batched')"], "write"),
  ]);
}

describe("no acknowledged write is lost after SQLITE_BUSY", () => {
  it("commits the writes served after a statement failed with SQLITE_BUSY", async () => {
    // The holder stays active (not abandoned) longer than the busy timeout: the waiter fails.
    const server = await fx.start({ busyTimeoutMs: 1_000, transactionIdleTimeoutMs: 700 });
    const a = fx.client(server);
    const b = fx.client(server);
    await a.executeMultiple("CREATE TABLE t (v TEXT); CREATE TABLE later (v TEXT);");
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('holder')");
    let settled = false;
    const waiter = errorOf(b.execute("INSERT INTO t (v) VALUES ('waiter')")).finally(() => {
      settled = true;
    });
    while (!settled) {
      await tx.execute("SELECT 1");
      await sleep(40);
    }
    expect((await waiter).code).toBe("SQLITE_BUSY");
    await tx.rollback();
    // a reads in a transaction meanwhile: its stream takes the connection a released last, so
    // b's writes are served by the one its failed statement ran on
    const reader = await a.transaction("deferred");
    await reader.execute("SELECT count(*) FROM t");
    await writeAfterFailure(b);
    reader.close();
    expect(onDisk(server.file, "SELECT v FROM later ORDER BY v")).toEqual(WRITTEN);
    expect(onDisk(server.file, "SELECT v FROM t")).toEqual([["batched"]]);
    expect(onDisk(server.file, "SELECT count(*) FROM made_later")).toEqual([[0]]);
  });

  it("rolls back an abandoned transaction before a waiting writer gives up", async () => {
    const server = await fx.start({ busyTimeoutMs: 2_000, transactionIdleTimeoutMs: 200 });
    const a = fx.client(server);
    const b = fx.client(server);
    await a.executeMultiple("CREATE TABLE t (v TEXT); CREATE TABLE later (v TEXT);");
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('abandoned')");
    // client a goes away without commit or rollback; b's write waits, then gets the lock
    await b.execute("INSERT INTO t (v) VALUES ('waiter')");
    await writeAfterFailure(b);
    expect(onDisk(server.file, "SELECT v FROM t ORDER BY v")).toEqual([["batched"], ["waiter"]]);
    expect(onDisk(server.file, "SELECT v FROM later ORDER BY v")).toEqual(WRITTEN);
    expect(onDisk(server.file, "SELECT count(*) FROM made_later")).toEqual([[0]]);
    expect((await errorOf(tx.execute("SELECT 1"))).code).toBe("STREAM_EXPIRED");
  });

  it("keeps a transaction usable after one of its statements met SQLITE_BUSY", async () => {
    const server = await fx.start({ busyTimeoutMs: 1_000, transactionIdleTimeoutMs: 700 });
    const a = fx.client(server);
    const b = fx.client(server);
    await a.executeMultiple("CREATE TABLE t (v TEXT); CREATE TABLE later (v TEXT);");
    const holder = await a.transaction("write");
    await holder.execute("INSERT INTO t (v) VALUES ('holder')");
    const deferred = await b.transaction("deferred");
    await deferred.execute("SELECT count(*) FROM t");
    let settled = false;
    const failed = errorOf(deferred.execute("INSERT INTO t (v) VALUES ('upgrade')")).finally(() => {
      settled = true;
    });
    while (!settled) {
      await holder.execute("SELECT 1");
      await sleep(40);
    }
    expect((await failed).code).toBe("SQLITE_BUSY");
    // the transaction goes on: it still reads, and sees its own snapshot
    expect((await deferred.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(0);
    await holder.commit();
    await deferred.rollback();
    await writeAfterFailure(b);
    expect(onDisk(server.file, "SELECT v FROM t ORDER BY v")).toEqual([["batched"], ["holder"]]);
    expect(onDisk(server.file, "SELECT v FROM later ORDER BY v")).toEqual(WRITTEN);
    expect(onDisk(server.file, "SELECT count(*) FROM made_later")).toEqual([[0]]);
  });

  it("refuses a transaction idle timeout that is not shorter than the busy timeout", async () => {
    await expect(
      startLibsqlServer({
        file: `${fx.dir}/x.db`,
        busyTimeoutMs: 200,
        transactionIdleTimeoutMs: 200,
      }),
    ).rejects.toThrow(/must be shorter than busyTimeoutMs/);
  });
});
