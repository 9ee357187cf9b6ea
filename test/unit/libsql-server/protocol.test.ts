import { LibsqlError } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture, post } from "./fixture.ts";

let fx: Fixture;
let server: LibsqlServer;

beforeAll(async () => {
  fx = fixture();
  server = await fx.start({ maxBodyBytes: 64 * 1024 });
  await fx.client(server).execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v)");
});
afterAll(() => fx.cleanup());

const stmt = (sql: string, extra: Record<string, unknown> = {}) => ({ sql, ...extra });
const int = (n: number) => ({ type: "integer", value: String(n) });

async function pipeline(requests: unknown[], baton?: string | null, version = 2) {
  const res = await post(server, `/v${version}/pipeline`, { baton, requests });
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as {
    baton: string | null;
    // biome-ignore lint/suspicious/noExplicitAny: raw protocol JSON, asserted field by field
    results: { type: string; response?: any }[];
  };
}

describe("plain routes", () => {
  it("answers health, version, and the protocol probes", async () => {
    const get = (path: string) => fetch(`${server.url}${path}`);
    expect((await get("/health")).status).toBe(200);
    const version = await get("/version");
    expect(version.status).toBe(200);
    expect(await version.text()).toContain("libsql");
    expect((await get("/v2")).status).toBe(200);
    expect((await get("/v3")).status).toBe(200);
    // no protobuf: a probing Hrana client falls back to JSON
    expect((await get("/v3-protobuf")).status).toBe(404);
    expect((await get("/nope")).status).toBe(404);
    expect((await get("/v2/pipeline")).status).toBe(405);
  });
});

describe("malformed requests", () => {
  it("answers 400 with a clear message and keeps serving", async () => {
    const bad = await post(server, "/v2/pipeline", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/Cannot deserialize client message from JSON/);
    const shape = await post(server, "/v2/pipeline", { requests: [{ type: "fly" }] });
    expect(shape.status).toBe(400);
    expect(shape.text).toMatch(/requests\.0\.type/);
    const numberInt = await post(server, "/v2/pipeline", {
      requests: [
        { type: "execute", stmt: stmt("SELECT ?", { args: [{ type: "integer", value: 1 }] }) },
      ],
    });
    expect(numberInt.status).toBe(400);
    expect(numberInt.text).toMatch(/args\.0\.value/);
    expect((await post(server, "/v2/pipeline", [])).status).toBe(400);
    expect((await post(server, "/v2/pipeline", "x".repeat(70 * 1024))).status).toBe(413);
    const ok = await pipeline([{ type: "execute", stmt: stmt("SELECT 1") }, { type: "close" }]);
    expect(ok.results[0]?.response.result.rows).toEqual([[int(1)]]);
  });

  it("rejects invalid, reused and closed batons", async () => {
    const first = await pipeline([{ type: "execute", stmt: stmt("SELECT 1") }]);
    expect(first.baton).toEqual(expect.any(String));
    const second = await pipeline([{ type: "execute", stmt: stmt("SELECT 2") }], first.baton);
    const reused = await post(server, "/v2/pipeline", { baton: first.baton, requests: [] });
    expect(reused.status).toBe(400);
    expect(reused.text).toMatch(/already been used/);
    // a protocol error inside a pipeline drops the stream, as in sqld
    const broken = await post(server, "/v2/pipeline", {
      baton: second.baton,
      requests: [{ type: "execute", stmt: { sql_id: 99 } }],
    });
    expect(broken.status).toBe(400);
    const third = await pipeline([], (await pipeline([])).baton);
    expect(third.baton).toEqual(expect.any(String));
    const gone = await post(server, "/v2/pipeline", { baton: second.baton, requests: [] });
    expect(gone.status).toBe(400);
    expect(gone.text).toMatch(/invalid baton/);
    const forged = await post(server, "/v2/pipeline", { baton: "AAAA", requests: [] });
    expect(forged.status).toBe(400);
    const closed = await pipeline([{ type: "close" }]);
    expect(closed.baton).toBeNull();
  });
});

describe("stream requests", () => {
  it("stores SQL texts and executes them by id", async () => {
    const res = await pipeline([
      { type: "store_sql", sql_id: 1, sql: "INSERT INTO kv VALUES (?, ?)" },
      { type: "execute", stmt: { sql_id: 1, args: [{ type: "text", value: "a" }, int(1)] } },
      {
        type: "execute",
        stmt: {
          sql_id: 1,
          args: [
            { type: "text", value: "b" },
            { type: "float", value: 2.5 },
          ],
        },
      },
      { type: "close_sql", sql_id: 1 },
      { type: "execute", stmt: stmt("SELECT k, v FROM kv ORDER BY k") },
      { type: "close" },
    ]);
    expect(res.results.map((r) => r.type)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
    expect(res.results[1]?.response.result).toMatchObject({
      affected_row_count: 1,
      last_insert_rowid: "1",
    });
    expect(res.results[4]?.response.result.rows).toEqual([
      [{ type: "text", value: "a" }, int(1)],
      [
        { type: "text", value: "b" },
        { type: "float", value: 2.5 },
      ],
    ]);
    const missing = await post(server, "/v2/pipeline", {
      requests: [{ type: "execute", stmt: { sql_id: 7 } }],
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/SQL text 7 not found/);
  });

  it("evaluates batch conditions", async () => {
    const res = await pipeline([
      {
        type: "batch",
        batch: {
          steps: [
            { stmt: stmt("SELECT 1") },
            { stmt: stmt("SELECT * FROM nope") },
            { condition: { type: "error", step: 1 }, stmt: stmt("SELECT 'ran after error'") },
            { condition: { type: "ok", step: 1 }, stmt: stmt("SELECT 'skipped'") },
            {
              condition: {
                type: "and",
                conds: [
                  { type: "ok", step: 0 },
                  { type: "not", cond: { type: "ok", step: 3 } },
                ],
              },
              stmt: stmt("SELECT 'and/not'"),
            },
          ],
        },
      },
      { type: "close" },
    ]);
    const result = res.results[0]?.response.result;
    expect(result.step_results.map((r: unknown) => r !== null)).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(result.step_errors[1]).toMatchObject({ code: "SQLITE_UNKNOWN" });
    expect(result.step_errors[3]).toBeNull();
    const forward = await post(server, "/v2/pipeline", {
      requests: [
        {
          type: "batch",
          batch: { steps: [{ condition: { type: "ok", step: 0 }, stmt: stmt("SELECT 1") }] },
        },
      ],
    });
    expect(forward.status).toBe(400);
  });

  it("describes a statement", async () => {
    const res = await pipeline([
      { type: "describe", sql: "SELECT k AS key, v FROM kv WHERE k = :k AND v > ?" },
      { type: "describe", sql: "DELETE FROM kv" },
      { type: "close" },
    ]);
    expect(res.results[0]?.response.result).toEqual({
      params: [{ name: ":k" }, { name: null }],
      cols: [
        { name: "key", decltype: "TEXT" },
        { name: "v", decltype: null },
      ],
      is_explain: false,
      is_readonly: true,
    });
    expect(res.results[1]?.response.result).toMatchObject({ cols: [], is_readonly: false });
  });

  it("speaks Hrana 3: get_autocommit and is_autocommit conditions", async () => {
    const res = await pipeline(
      [
        { type: "get_autocommit" },
        { type: "execute", stmt: stmt("BEGIN") },
        { type: "get_autocommit" },
        {
          type: "batch",
          batch: {
            steps: [
              { condition: { type: "is_autocommit" }, stmt: stmt("SELECT 'outside'") },
              {
                condition: { type: "not", cond: { type: "is_autocommit" } },
                stmt: stmt("SELECT 'inside'"),
              },
            ],
          },
        },
        { type: "execute", stmt: stmt("ROLLBACK") },
        { type: "close" },
      ],
      null,
      3,
    );
    expect(res.results[0]?.response.is_autocommit).toBe(true);
    expect(res.results[2]?.response.is_autocommit).toBe(false);
    expect(res.results[3]?.response.result.step_results.map((r: unknown) => r !== null)).toEqual([
      false,
      true,
    ]);
    const v2 = await post(server, "/v2/pipeline", { requests: [{ type: "get_autocommit" }] });
    expect(v2.status).toBe(400);
  });

  it("streams a batch through /v3/cursor as JSON lines", async () => {
    const res = await post(server, "/v3/cursor", {
      batch: {
        steps: [
          { stmt: stmt("SELECT k FROM kv ORDER BY k") },
          { stmt: stmt("INSERT INTO kv VALUES ('a', 0)") },
        ],
      },
    });
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ baton: expect.any(String), base_url: null });
    expect(lines.slice(1).map((l) => l.type)).toEqual([
      "step_begin",
      "row",
      "row",
      "step_end",
      "step_error",
    ]);
    expect(lines[2]).toEqual({ type: "row", row: [{ type: "text", value: "a" }] });
    expect(lines[5]).toMatchObject({ step: 1, error: { code: "SQLITE_CONSTRAINT" } });
    const close = await pipeline([{ type: "close" }], lines[0].baton, 3);
    expect(close.baton).toBeNull();
  });
});

describe("auth", () => {
  it("requires the bearer token on Hrana requests, not on /health", async () => {
    const secured = await fx.start({ file: `${fx.dir}/auth.db`, authToken: "s3cret-token" });
    expect((await fetch(`${secured.url}/health`)).status).toBe(200);
    const anonymous = await post(secured, "/v2/pipeline", { requests: [] });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toEqual({ error: expect.stringContaining("Authorization") });
    expect((await post(secured, "/v2/pipeline", { requests: [] }, "wrong")).status).toBe(401);
    const noToken = await fx
      .client(secured)
      .execute("SELECT 1")
      .catch((e: unknown) => e);
    expect(noToken).toBeInstanceOf(LibsqlError);
    expect(String((noToken as Error).message)).toContain("401");
    const rs = await fx.client(secured, { authToken: "s3cret-token" }).execute("SELECT 42 AS x");
    expect(rs.rows[0]?.x).toBe(42);
  });
});
