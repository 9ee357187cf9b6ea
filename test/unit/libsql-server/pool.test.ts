/**
 * The connection pool keeps as many warm connections as were busy at once (opening one per
 * request under load cost more than the statements), hands back only clean ones, and closes
 * those left idle.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ConnectionPool } from "../../../src/node/libsql-server/pool.ts";
import type { ServerConnection } from "../../../src/node/libsql-server/server-connection.ts";

let dir: string;
let pool: ConnectionPool;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "nimbus-pool-"));
});
afterEach(() => {
  pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({ file: join(dir, "db.sqlite"), synchronous: "FULL" as const });

async function runOn(conn: ServerConnection, sql: string): Promise<unknown[][] | null> {
  return conn.step(await conn.prepare(sql), [], {}, true);
}

it("keeps every connection of a burst beyond 16, and reuses them instead of opening new ones", async () => {
  pool = new ConnectionPool(options());
  const burst = await Promise.all(Array.from({ length: 40 }, () => pool.acquire()));
  for (const conn of burst) await pool.release(conn);
  expect(pool.idleCount).toBe(40);
  const again = await Promise.all(Array.from({ length: 40 }, () => pool.acquire()));
  expect(new Set(again)).toEqual(new Set(burst));
  for (const conn of again) await pool.release(conn);
});

it("rolls back what a stream left open before reuse, and closes a tainted connection", async () => {
  pool = new ConnectionPool(options());
  const conn = await pool.acquire();
  await runOn(conn, "CREATE TABLE t (x)");
  await conn.control("BEGIN");
  await runOn(conn, "INSERT INTO t VALUES (1)");
  await pool.release(conn);
  // rolled back and reused: clean
  const reused = await pool.acquire();
  expect(reused).toBe(conn);
  expect(reused.autocommit).toBe(true);
  expect(await runOn(reused, "SELECT count(*) FROM t")).toEqual([[0n]]);
  reused.tainted = true;
  await pool.release(reused);
  expect(pool.idleCount).toBe(0);
});

it("closes connections left idle longer than idleMs", async () => {
  pool = new ConnectionPool(options(), { idleMs: 50 });
  const conns = await Promise.all(Array.from({ length: 3 }, () => pool.acquire()));
  for (const conn of conns) await pool.release(conn);
  expect(pool.idleCount).toBe(3);
  await expect.poll(() => pool.idleCount, { timeout: 5000, interval: 20 }).toBe(0);
});
