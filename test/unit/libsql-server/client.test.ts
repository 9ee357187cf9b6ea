import { type Client, LibsqlBatchError, LibsqlError } from "@libsql/client";
import { createClient as createWebClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
let server: LibsqlServer;
let db: Client;

beforeAll(async () => {
  fx = fixture();
  server = await fx.start();
  db = fx.client(server);
  await db.execute(
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, qty INTEGER, price REAL, data BLOB)",
  );
});
afterAll(() => fx.cleanup());

async function caught(promise: Promise<unknown>): Promise<LibsqlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LibsqlError);
  return err as LibsqlError;
}

describe("execute", () => {
  it("binds positional args and returns every value type", async () => {
    const blob = new Uint8Array([0, 1, 2, 250, 255]);
    const ins = await db.execute({
      sql: "INSERT INTO items (name, qty, price, data) VALUES (?, ?, ?, ?)",
      args: ["apple", 3, 1.25, blob],
    });
    expect(ins.rowsAffected).toBe(1);
    expect(typeof ins.lastInsertRowid).toBe("bigint");
    const rs = await db.execute({
      sql: "SELECT * FROM items WHERE id = ?",
      args: [ins.lastInsertRowid ?? 0n],
    });
    expect(rs.columns).toEqual(["id", "name", "qty", "price", "data"]);
    expect(rs.columnTypes).toEqual(["INTEGER", "TEXT", "INTEGER", "REAL", "BLOB"]);
    const row = rs.rows[0];
    expect(row?.name).toBe("apple");
    expect(row?.qty).toBe(3);
    expect(row?.price).toBe(1.25);
    expect(new Uint8Array(row?.data as ArrayBuffer)).toEqual(blob);
    const types = await db.execute({
      sql: "SELECT typeof(?) a, typeof(?) b, typeof(?) c, typeof(?) d, typeof(?) e, typeof(?) f",
      args: [null, 7n, 7.5, "x", new Uint8Array([1]), true],
    });
    expect(Object.values(types.rows[0] ?? {})).toEqual([
      "null",
      "integer",
      "real",
      "text",
      "blob",
      "integer",
    ]);
  });

  it("binds named args with and without their prefix, and numbered ?NNN", async () => {
    const rs = await db.execute({
      sql: "SELECT :a AS a, @b AS b, $c AS c, :a || 'x' AS d",
      args: { a: "A", b: 2n, c: null },
    });
    expect(rs.rows[0]).toMatchObject({ a: "A", b: 2, c: null, d: "Ax" });
    const numbered = await db.execute({
      sql: "SELECT ?2 AS two, ?1 AS one",
      args: ["first", "second"],
    });
    expect(numbered.rows[0]).toMatchObject({ two: "second", one: "first" });
  });

  it("binds ?1 to the first named parameter when named and numbered are mixed, as SQLite", async () => {
    // SQLite numbers :b as 1 and :a as 2; ?1 is the same parameter as :b
    const rs = await db.execute({
      sql: "SELECT :b AS b, :a AS a, ?1 AS one",
      args: { b: 1, a: 2 },
    });
    expect(rs.rows[0]).toMatchObject({ b: 1, a: 2, one: 1 });
  });

  it("returns integers as number, bigint or string per intMode", async () => {
    const big = "SELECT 9007199254740993 AS big, 5 AS small";
    const asBigint = fx.client(server, { intMode: "bigint" });
    expect((await asBigint.execute(big)).rows[0]).toMatchObject({
      big: 9007199254740993n,
      small: 5n,
    });
    const asString = fx.client(server, { intMode: "string" });
    expect((await asString.execute(big)).rows[0]).toMatchObject({
      big: "9007199254740993",
      small: "5",
    });
    expect((await db.execute("SELECT 5 AS small")).rows[0]?.small).toBe(5);
    await expect(db.execute(big)).rejects.toThrow(RangeError);
  });

  it("reports rowsAffected for writes only and lastInsertRowid for inserts only", async () => {
    await db.execute({
      sql: "INSERT INTO items (name, qty) VALUES (?, ?), (?, ?)",
      args: ["p1", 1, "p2", 2],
    });
    const upd = await db.execute("UPDATE items SET qty = qty + 10 WHERE name IN ('p1', 'p2')");
    expect(upd.rowsAffected).toBe(2);
    expect(upd.lastInsertRowid).toBeUndefined();
    const sel = await db.execute("SELECT qty FROM items WHERE name IN ('p1', 'p2') ORDER BY name");
    expect(sel.rowsAffected).toBe(0);
    expect(sel.rows.map((r) => r.qty)).toEqual([11, 12]);
    const ret = await db.execute(
      "INSERT INTO items (name) VALUES ('r1'), ('r2') RETURNING id, name",
    );
    expect(ret.rowsAffected).toBe(2);
    expect(ret.rows.map((r) => r.name)).toEqual(["r1", "r2"]);
    expect(ret.lastInsertRowid).toBe(BigInt(ret.rows[1]?.id as number));
  });

  it("maps errors to sqld's codes", async () => {
    const dup = await caught(db.execute("INSERT INTO items (name) VALUES ('apple')"));
    expect(dup.code).toBe("SQLITE_CONSTRAINT");
    expect(dup.message).toContain("UNIQUE constraint failed: items.name");
    const notNull = await caught(db.execute("INSERT INTO items (qty) VALUES (1)"));
    expect(notNull.code).toBe("SQLITE_CONSTRAINT");
    expect((await caught(db.execute("SELEC 1"))).code).toBe("SQL_PARSE_ERROR");
    const missing = await caught(db.execute("SELECT * FROM nowhere"));
    expect(missing.code).toBe("SQLITE_UNKNOWN");
    expect(missing.message).toContain("no such table: nowhere");
    expect((await caught(db.execute("SELECT 1; SELECT 2"))).code).toBe("SQL_MANY_STATEMENTS");
    expect((await caught(db.execute("  -- nothing\n"))).code).toBe("SQL_NO_STATEMENT");
    expect((await caught(db.execute({ sql: "SELECT ?, ?", args: [1] }))).code).toBe("ARGS_INVALID");
    expect((await caught(db.execute({ sql: "SELECT ?", args: [1, 2] }))).code).toBe("ARGS_INVALID");
    // the server stays usable after errors
    expect((await db.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
  });
});

describe("batch", () => {
  it("commits every statement of a write batch", async () => {
    const results = await db.batch(
      [
        { sql: "INSERT INTO items (name, qty) VALUES (?, ?)", args: ["b1", 1] },
        { sql: "INSERT INTO items (name, qty) VALUES (:n, :q)", args: { n: "b2", q: 2 } },
        "SELECT count(*) AS n FROM items WHERE name LIKE 'b_'",
      ],
      "write",
    );
    expect(results).toHaveLength(3);
    expect(results[2]?.rows[0]?.n).toBe(2);
  });

  it("rolls back the whole batch when a statement fails", async () => {
    const err = await db
      .batch(
        ["INSERT INTO items (name) VALUES ('c1')", "INSERT INTO items (name) VALUES ('c1')"],
        "write",
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlBatchError);
    expect((err as LibsqlBatchError).code).toBe("SQLITE_CONSTRAINT");
    expect((err as LibsqlBatchError).statementIndex).toBe(1);
    const rs = await db.execute("SELECT count(*) AS n FROM items WHERE name = 'c1'");
    expect(rs.rows[0]?.n).toBe(0);
  });

  it("runs read and deferred batches", async () => {
    const read = await db.batch(["SELECT count(*) AS n FROM items", "SELECT 2 AS two"], "read");
    expect(Number(read[0]?.rows[0]?.n)).toBeGreaterThan(0);
    expect(read[1]?.rows[0]?.two).toBe(2);
    const deferred = await db.batch(
      ["INSERT INTO items (name) VALUES ('d1')", "SELECT name FROM items WHERE name = 'd1'"],
      "deferred",
    );
    expect(deferred[1]?.rows[0]?.name).toBe("d1");
  });

  it("reuses SQL texts stored on the stream for repeated statements", async () => {
    const stmts = Array.from({ length: 40 }, (_, i) => ({
      sql: "INSERT INTO items (name, qty) VALUES (?, ?)",
      args: [`many${i}`, i],
    }));
    await db.batch(stmts, "write");
    const rs = await db.execute(
      "SELECT count(*) AS n, sum(qty) AS s FROM items WHERE name LIKE 'many%'",
    );
    expect(rs.rows[0]).toMatchObject({ n: 40, s: 780 });
  });
});

describe("executeMultiple and migrate", () => {
  it("runs a script, triggers included, and stops at the first error", async () => {
    await db.executeMultiple(`
      CREATE TABLE audit (msg TEXT);
      CREATE TRIGGER items_audit AFTER INSERT ON items BEGIN
        INSERT INTO audit VALUES ('added ' || new.name);
      END;
      INSERT INTO items (name) VALUES ('t1'); -- fires the trigger
    `);
    expect((await db.execute("SELECT msg FROM audit")).rows.map((r) => r.msg)).toEqual([
      "added t1",
    ]);
    const err = await caught(
      db.executeMultiple(
        "INSERT INTO audit VALUES ('x'); INSERT INTO nope VALUES (1); INSERT INTO audit VALUES ('y');",
      ),
    );
    expect(err.code).toBe("SQLITE_UNKNOWN");
    expect((await db.execute("SELECT count(*) AS n FROM audit")).rows[0]?.n).toBe(2);
  });

  it("migrates with foreign keys off, then on again for later streams", async () => {
    await db.migrate([
      "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))",
      "INSERT INTO child (parent_id) VALUES (99)",
    ]);
    expect((await db.execute("SELECT count(*) AS n FROM child")).rows[0]?.n).toBe(1);
    const fk = await caught(db.execute("INSERT INTO child (parent_id) VALUES (98)"));
    expect(fk.code).toBe("SQLITE_CONSTRAINT");
    expect(fk.message).toContain("FOREIGN KEY");
  });
});

describe("@libsql/client/web", () => {
  it("works against the same server", async () => {
    const web = createWebClient({ url: server.url });
    try {
      const rs = await web.execute({ sql: "SELECT ? AS v, x'0a0b' AS b", args: [42n] });
      expect(rs.rows[0]?.v).toBe(42);
      expect(new Uint8Array(rs.rows[0]?.b as ArrayBuffer)).toEqual(new Uint8Array([10, 11]));
      const tx = await web.transaction("write");
      await tx.execute("INSERT INTO items (name) VALUES ('web1')");
      await tx.commit();
      expect(
        (await web.execute("SELECT count(*) AS n FROM items WHERE name = 'web1'")).rows[0]?.n,
      ).toBe(1);
    } finally {
      web.close();
    }
  });
});
