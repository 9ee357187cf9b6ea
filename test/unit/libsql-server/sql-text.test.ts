import { describe, expect, it } from "vitest";
import { splitStatements } from "../../../src/nimbus/db/sql-text.ts";

describe("splitStatements", () => {
  it("splits on semicolons outside strings, identifiers and comments", () => {
    const sql = `SELECT 'a;b' AS "x;y"; -- c;d
      /* e;f */ SELECT [g;h] FROM t;;  ;`;
    expect(splitStatements(sql).map((s) => s.sql)).toEqual([
      `SELECT 'a;b' AS "x;y";`,
      "SELECT [g;h] FROM t;",
    ]);
  });

  it("keeps a trigger body in one statement", () => {
    const sql = `CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN
      INSERT INTO log VALUES (CASE WHEN new.x THEN 1 END);
      DELETE FROM q;
    END; SELECT 1`;
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]?.sql.endsWith("END;")).toBe(true);
    expect(statements[0]?.kind).toBe("connection-state");
    expect(statements[1]?.sql).toBe("SELECT 1");
  });

  it("classifies statements the way sqld counts rows", () => {
    const kinds = splitStatements(`
      SELECT 1; VALUES (1); INSERT INTO t VALUES (1); REPLACE INTO t VALUES (1);
      WITH x AS (SELECT 1) UPDATE t SET a = 1; WITH x(a) AS (VALUES (1)) SELECT * FROM x;
      DELETE FROM t; BEGIN IMMEDIATE; COMMIT; PRAGMA foreign_keys = off; CREATE TABLE u (a);
      EXPLAIN SELECT 1;
    `).map((s) => s.kind);
    expect(kinds).toEqual([
      "read",
      "read",
      "insert",
      "insert",
      "update-delete",
      "read",
      "update-delete",
      "transaction",
      "transaction",
      "connection-state",
      "other",
      "explain",
    ]);
  });

  it("numbers parameters as SQLite does", () => {
    const [st] = splitStatements("SELECT ?, :a, ?5, ?, :a, @b, $c::d, ':z' -- :y");
    expect(st?.params).toEqual([
      { index: 1, name: null },
      { index: 2, name: ":a" },
      { index: 5, name: "?5" },
      { index: 6, name: null },
      { index: 7, name: "@b" },
      { index: 8, name: "$c::d" },
    ]);
    expect(st?.paramCount).toBe(8);
  });
});
