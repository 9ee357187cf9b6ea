/**
 * The lean single-statement path (src/nimbus/db/router/hrana-http.ts) against a real libSQL
 * server, side by side with @libsql/client/web on the same statements: the same ResultSets (rows
 * by index and by name, what Object.keys and JSON see), the same errors.
 */
import {
  type Client,
  createClient,
  type InStatement,
  LibsqlError,
  type ResultSet,
} from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeOverHttp, hranaEndpoint } from "../../../src/nimbus/db/router/hrana-http.ts";
import type { LibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
let server: LibsqlServer;
let client: Client;
const lean = (stmt: InStatement) => {
  const endpoint = hranaEndpoint(server.url, undefined);
  if (endpoint === undefined) throw new Error("no endpoint");
  return executeOverHttp(endpoint, stmt, (url, init) => fetch(url, init));
};

beforeAll(async () => {
  fx = fixture();
  server = await fx.start();
  client = createClient({ url: server.url });
  await client.execute(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, score REAL, data BLOB, note TEXT)",
  );
  await client.execute({
    sql: "INSERT INTO t VALUES (1, 'a', 1.5, x'00ff10', NULL), (2, 'b', -2, x'', 'two')",
  });
});
afterAll(async () => {
  client.close();
  await fx.cleanup();
});

/** Everything a caller can observe of a ResultSet, in plain values. */
function observe(rs: ResultSet) {
  return {
    columns: rs.columns,
    columnTypes: rs.columnTypes,
    rowsAffected: rs.rowsAffected,
    lastInsertRowid: rs.lastInsertRowid,
    json: JSON.stringify(rs.toJSON()),
    rows: rs.rows.map((row) => ({
      byIndex: Array.prototype.slice.call(row),
      length: row.length,
      keys: Object.keys(row),
      entries: Object.entries(row),
      json: JSON.stringify(row),
      spread: { ...row },
    })),
  };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LibsqlError);
  const e = error as LibsqlError;
  return { message: e.message, code: e.code, name: e.name };
}

const SAME: [string, InStatement][] = [
  ["every value type", "SELECT id, name, score, data, note FROM t ORDER BY id"],
  [
    "positional args of every kind",
    {
      sql: "SELECT ?, ?, ?, ?, ?, ?, ?",
      args: [1, 2.5, "x", null, 10n, true, new Uint8Array([1, 2, 3])],
    },
  ],
  ["named args", { sql: "SELECT :a AS a, @b AS b, $c AS c", args: { a: 1, b: "two", c: null } }],
  ["a date argument", { sql: "SELECT ? AS d", args: [new Date(1_700_000_000_000)] }],
  ["duplicate column names", "SELECT 1 AS x, 2 AS x, 3 AS y"],
  ["odd column names", 'SELECT 1 AS "length", 2 AS "0", 3 AS "__proto__", 4 AS "constructor"'],
  ["an expression without a name", "SELECT 1 + 1"],
  ["no rows", "SELECT * FROM t WHERE id = -1"],
  ["an insert", "INSERT INTO t (id, name) VALUES (10, 'ten') RETURNING id, name"],
  ["an update", "UPDATE t SET score = score + 1 WHERE id > 100"],
];

describe("the lean single-statement path matches @libsql/client", () => {
  for (const [what, stmt] of SAME) {
    it(what, async () => {
      const undo = what === "an insert" ? "DELETE FROM t WHERE id = 10" : "SELECT 1";
      const mine = observe(await lean(stmt));
      await client.execute(undo);
      const theirs = observe(await client.execute(stmt));
      await client.execute(undo);
      expect(mine).toEqual(theirs);
    });
  }

  it("an insert reports its rowid and count", async () => {
    const rs = await lean({ sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [20, "twenty"] });
    expect(rs.rowsAffected).toBe(1);
    expect(rs.lastInsertRowid).toBe(20n);
  });

  it("errors: syntax, constraint, missing table, bad arguments", async () => {
    const cases: InStatement[] = [
      "SELEC 1",
      { sql: "INSERT INTO t (id, name) VALUES (?, 'a')", args: [99] },
      "SELECT * FROM nowhere",
      { sql: "SELECT ?", args: [1, 2] },
      "SELECT 1; SELECT 2",
    ];
    for (const stmt of cases) {
      expect(await failure(lean(stmt))).toEqual(await failure(client.execute(stmt)));
    }
  });

  it("a value the client cannot send fails before anything is sent, as @libsql/client's does", async () => {
    const stmt = { sql: "SELECT ?", args: [Number.NaN] };
    await expect(lean(stmt)).rejects.toThrow(RangeError);
    await expect(client.execute(stmt)).rejects.toThrow(RangeError);
  });

  it("an HTTP error (wrong token) is a LibsqlError like @libsql/client's", async () => {
    const guarded = await fx.start({ authToken: "secret", file: `${fx.dir}/guarded.db` });
    const endpoint = hranaEndpoint(guarded.url, "wrong");
    if (endpoint === undefined) throw new Error("no endpoint");
    const mine = await failure(executeOverHttp(endpoint, "SELECT 1", (u, i) => fetch(u, i)));
    const other = createClient({ url: guarded.url, authToken: "wrong" });
    const theirs = await failure(other.execute("SELECT 1"));
    other.close();
    expect(mine).toEqual(theirs);
  });

  it("only plain http(s) URLs take the lean path", () => {
    expect(hranaEndpoint("http://127.0.0.1:8080", undefined)?.pipelineUrl).toBe(
      "http://127.0.0.1:8080/v2/pipeline",
    );
    expect(hranaEndpoint("https://db.example/", "t")?.pipelineUrl).toBe(
      "https://db.example/v2/pipeline",
    );
    for (const url of [
      "libsql://db.example",
      "ws://h:1",
      "http://h/db",
      "http://h?tls=0",
      "nope",
    ]) {
      expect(hranaEndpoint(url, undefined)).toBeUndefined();
    }
  });
});
