/**
 * Group commit (src/node/libsql-server/group-commit.ts): concurrent one-shot writes from real
 * @libsql/client clients are committed together, and still each succeeds or fails exactly as it
 * would alone — what is acknowledged is on disk (read by a separate process), what failed is not.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type HranaServer,
  LocalFileEngine,
  startHranaServer,
} from "../../../src/node/libsql-server/index.ts";

let dir: string;
let engine: LocalFileEngine;
let server: HranaServer;
const clients: Client[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "nimbus-group-"));
  engine = new LocalFileEngine({
    file: join(dir, "db.sqlite"),
    synchronous: "FULL",
    busyTimeoutMs: 10_000,
  });
  server = await startHranaServer({ engine, statementTimeoutMs: 400 });
  const setup = client();
  await setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
  await setup.execute(
    "CREATE TRIGGER refuse BEFORE INSERT ON t WHEN NEW.v LIKE 'boom%' BEGIN SELECT RAISE(ROLLBACK, 'refused'); END",
  );
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(): Client {
  const c = createClient({ url: server.url });
  clients.push(c);
  return c;
}

/** Committed rows, read by a separate process. */
function onDisk(): string[] {
  const script = `const D = require("libsql"); const db = new D(process.argv[1]);
    process.stdout.write(JSON.stringify(db.prepare("SELECT v FROM t ORDER BY v").raw(true).all().map((r) => r[0])));`;
  return JSON.parse(
    execFileSync(process.execPath, ["-e", script, join(dir, "db.sqlite")], { encoding: "utf8" }),
  ) as string[];
}

/** Sends every value as its own one-shot insert, all at once, from several clients. */
async function insertAll(values: string[]) {
  const pool = Array.from({ length: 8 }, client);
  const outcomes = await Promise.allSettled(
    values.map((v, i) =>
      (pool[i % pool.length] as Client).execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [v] }),
    ),
  );
  const acknowledged = values.filter((_, i) => outcomes[i]?.status === "fulfilled");
  const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
  return { acknowledged, failures };
}

it("commits concurrent one-shot writes together, and every acknowledged one is on disk", async () => {
  const values = Array.from({ length: 120 }, (_, i) => `v${String(i).padStart(3, "0")}`);
  const { acknowledged, failures } = await insertAll(values);
  expect(failures).toEqual([]);
  expect(onDisk()).toEqual([...acknowledged].sort());
  expect(engine.groupStats.groups).toBeGreaterThan(0);
  expect(engine.groupStats.writes).toBeGreaterThan(engine.groupStats.groups);
});

it("a write that fails in a group fails alone: the others commit", async () => {
  // eight pairs of duplicates among sixty distinct values: one of each pair wins
  const values = Array.from({ length: 60 }, (_, i) => `u${i}`);
  for (let i = 0; i < 8; i++) values.splice(i * 7, 0, `u${i * 5}`);
  const { acknowledged, failures } = await insertAll(values);
  expect(failures).toHaveLength(8);
  for (const f of failures) expect(f).toMatch(/SQLITE_CONSTRAINT.*UNIQUE/);
  expect(new Set(acknowledged).size).toBe(60);
  expect(onDisk()).toEqual([...new Set(values)].sort());
});

it("a write that takes the whole transaction down (RAISE(ROLLBACK)) fails; the rest of its group is written alone", async () => {
  const values = Array.from({ length: 60 }, (_, i) => (i % 9 === 4 ? `boom${i}` : `w${i}`));
  const { acknowledged, failures } = await insertAll(values);
  const booms = values.filter((v) => v.startsWith("boom"));
  expect(failures).toHaveLength(booms.length);
  for (const f of failures) expect(f).toMatch(/refused/);
  expect(acknowledged).toEqual(values.filter((v) => !v.startsWith("boom")));
  expect(onDisk()).toEqual([...acknowledged].sort());
});

it("a write inside an interactive transaction is not grouped: it commits with its transaction", async () => {
  const c = client();
  const tx = await c.transaction("write");
  await tx.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: ["in-tx"] });
  // one-shot writes wait for the transaction's lock, then commit
  const others = insertAll(["after-1", "after-2", "after-3"]);
  await new Promise((r) => setTimeout(r, 50));
  expect(onDisk()).toEqual([]);
  await tx.rollback();
  const { acknowledged, failures } = await others;
  expect(failures).toEqual([]);
  expect(onDisk()).toEqual([...acknowledged].sort());
});

it("a write interrupted by the time limit in a group fails alone and keeps nothing; the others commit", async () => {
  const pool = Array.from({ length: 8 }, client);
  const slow =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) INSERT INTO t (v) SELECT 'slow' || x FROM c";
  const statements = Array.from({ length: 41 }, (_, i) =>
    i === 20 ? { sql: slow, args: [] } : { sql: "INSERT INTO t (v) VALUES (?)", args: [`f${i}`] },
  );
  const outcomes = await Promise.allSettled(
    statements.map((stmt, i) => (pool[i % pool.length] as Client).execute(stmt)),
  );
  const failed = outcomes.flatMap((o, i) =>
    o.status === "rejected" ? [[i, String(o.reason)]] : [],
  );
  expect(failed).toHaveLength(1);
  expect(failed[0]?.[0]).toBe(20);
  expect(failed[0]?.[1]).toMatch(/SQLITE_INTERRUPT/);
  const fast = statements.flatMap((s, i) => (i === 20 ? [] : [s.args[0] as string]));
  expect(onDisk()).toEqual([...fast].sort());
});
