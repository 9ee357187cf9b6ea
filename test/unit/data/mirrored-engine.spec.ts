/**
 * The libSQL server on the mirrored database (3 real dqlite nodes), driven by the unmodified
 * @libsql/client: what apps and drizzle send works as on a local file — RETURNING in its forms,
 * transactions, batches, values of every type, concurrent writers — and the demo's migrations
 * apply. Each node's own copy holds the same content.
 */
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDqliteBinary } from "../../../src/node/dqlite/build.ts";
import { planCluster, waitForVoters } from "../../../src/node/dqlite/cluster.ts";
import { dqliteEngine } from "../../../src/node/dqlite/hrana.ts";
import { MirroredNode } from "../../../src/node/dqlite/node.ts";
import { type HranaServer, startHranaServer } from "../../../src/node/libsql-server/index.ts";
import { migrate, openLibsql } from "../../../src/node/migrate/index.ts";
import { convergedChecksum } from "../../chaos/support/mirrored.ts";
import { MIGRATIONS } from "./support/cluster.ts";
import { tempDir } from "./support/workerd.ts";

const temp = tempDir("nimbus-mirrored-engine-");
const nodes: MirroredNode[] = [];
const servers: HranaServer[] = [];
let client: Client;

beforeAll(async () => {
  const binary = await ensureDqliteBinary();
  for (const spec of await planCluster({ dir: join(temp.dir, "db"), nodes: 3 })) {
    const node = new MirroredNode(spec, binary, false);
    nodes.push(node);
    await node.startDqlite();
  }
  await waitForVoters(nodes, 3, 30_000);
  // Endpoints in this process, on two different nodes.
  for (const node of nodes.slice(1)) {
    servers.push(
      await startHranaServer({ engine: await dqliteEngine({ socket: node.spec.socket }) }),
    );
  }
  client = createClient({ url: servers[0]?.url as string });
}, 120_000);

afterAll(async () => {
  client?.close();
  for (const server of servers) await server.close();
  await Promise.all(nodes.map((node) => node.stop()));
  temp.remove();
}, 30_000);

describe("the mirrored engine behind the libSQL server", () => {
  it("applies the demo's migrations", async () => {
    const setup = await openLibsql(servers[1]?.url as string);
    try {
      expect(await migrate(setup.target, MIGRATIONS)).toEqual([
        "0000_links_and_comments.sql",
        "0001_link_votes.sql",
      ]);
      expect(await migrate(setup.target, MIGRATIONS)).toEqual([]);
    } finally {
      await setup.close();
    }
  });

  it("returns rows from INSERT, UPDATE, upsert and DELETE … RETURNING, and writes them once", async () => {
    await client.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)");
    const one = await client.execute({
      sql: "INSERT INTO r (name, n) VALUES (?, ?) RETURNING id, name, n",
      args: ["a", 1],
    });
    expect(one.rows.map((row) => ({ ...row }))).toEqual([{ id: 1, name: "a", n: 1 }]);
    expect(one.lastInsertRowid).toBe(1n);
    const two = await client.execute(
      "INSERT INTO r (name, n) VALUES ('b', 2), ('c', 3) RETURNING *",
    );
    expect(two.rows.map((row) => row.name)).toEqual(["b", "c"]);
    expect(two.rowsAffected).toBe(2);
    const updated = await client.execute("UPDATE r SET n = n * 10 WHERE n >= 2 RETURNING name, n");
    expect(updated.rows.map((row) => [row.name, row.n])).toEqual([
      ["b", 20],
      ["c", 30],
    ]);
    const upsert = await client.execute(
      "INSERT INTO r (name, n) VALUES ('a', 5) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n RETURNING name, n",
    );
    expect(upsert.rows.map((row) => [row.name, row.n])).toEqual([["a", 6]]);
    const deleted = await client.execute("DELETE FROM r WHERE name = 'c' RETURNING id, name");
    expect(deleted.rows.map((row) => row.name)).toEqual(["c"]);
    const all = await client.execute("SELECT name, n FROM r ORDER BY id");
    expect(all.rows.map((row) => [row.name, row.n])).toEqual([
      ["a", 6],
      ["b", 20],
    ]);
    await expect(client.execute("WITH x AS (SELECT 1) DELETE FROM r RETURNING id")).rejects.toThrow(
      /RETURNING on the mirrored database/,
    );
  });

  it("keeps values exact: 64-bit integers, floats, text, blobs, NULL", async () => {
    await client.execute("CREATE TABLE v (i INTEGER, f REAL, t TEXT, b BLOB, z)");
    const big = 2n ** 62n + 3n;
    const blob = new Uint8Array([0, 1, 2, 254, 255]);
    await client.execute({
      sql: "INSERT INTO v VALUES (?, ?, ?, ?, ?)",
      args: [big, 1.5, "héllo ✓", blob, null],
    });
    const read = createClient({ url: servers[0]?.url as string, intMode: "bigint" });
    try {
      const row = (await read.execute("SELECT i, f, t, b, z FROM v")).rows[0];
      expect(row?.i).toBe(big);
      expect(row?.f).toBe(1.5);
      expect(row?.t).toBe("héllo ✓");
      expect(new Uint8Array(row?.b as ArrayBuffer)).toEqual(blob);
      expect(row?.z).toBeNull();
    } finally {
      read.close();
    }
  });

  it("runs transactions: rollback leaves nothing, commit publishes, a syntax error refuses the whole batch", async () => {
    await client.execute("CREATE TABLE t (v TEXT)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t VALUES ('rolled back')");
    expect((await tx.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(1);
    await tx.rollback();
    const other = await client.transaction("write");
    await other.execute("INSERT INTO t VALUES ('kept')");
    await other.commit();
    await expect(
      client.batch(["INSERT INTO t VALUES ('never')", "SELEC 1"], "write"),
    ).rejects.toThrow(/SQL_PARSE_ERROR/);
    await expect(
      client.batch(["INSERT INTO t VALUES ('never')", "INSERT INTO nope VALUES (1)"], "write"),
    ).rejects.toThrow(/no such table/);
    const rows = await client.execute("SELECT v FROM t");
    expect(rows.rows.map((row) => row.v)).toEqual(["kept"]);
  });

  it("serializes concurrent writers from two endpoints (busy waits, no lost update)", async () => {
    await client.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER)");
    await client.execute("INSERT INTO c VALUES (1, 0)");
    const clients = servers.map((server) => createClient({ url: server.url }));
    try {
      await Promise.all(
        clients.flatMap((c) =>
          Array.from({ length: 10 }, () =>
            c.batch(["UPDATE c SET n = n + 1 WHERE id = 1"], "write"),
          ),
        ),
      );
      expect((await client.execute("SELECT n FROM c")).rows[0]?.n).toBe(20);
    } finally {
      for (const c of clients) c.close();
    }
  });

  it("every node's own copy holds the same content", async () => {
    const content = await convergedChecksum(nodes);
    expect(content.integrity).toEqual(["ok"]);
    expect(content.rows.r).toBe(2);
  });
});
