/** Hrana over WebSockets: what @libsql/client does with ws:// and libsql:// URLs, for real. */
import { generateKeyPairSync, sign } from "node:crypto";
import { type Client, createClient, LibsqlError } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { LibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
const clients: Client[] = [];
beforeEach(() => {
  fx = fixture();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await fx.cleanup();
});

const wsUrl = (server: LibsqlServer) => server.url.replace(/^http:/, "ws:");
const libsqlUrl = (server: LibsqlServer) => `libsql://127.0.0.1:${server.port}?tls=0`;

function client(url: string, authToken?: string): Client {
  const c = createClient({ url, ...(authToken === undefined ? {} : { authToken }) });
  clients.push(c);
  return c;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("Hrana over WebSockets", () => {
  it("serves ws:// (and libsql://) clients: execute, batch, transactions, scripts, errors", async () => {
    const server = await fx.start();
    for (const url of [wsUrl(server), libsqlUrl(server)]) {
      const db = client(url);
      // @libsql/client 0.18 maps libsql:// to HTTP in Node; ws:// is the WebSocket client
      expect(db.protocol).toBe(url.startsWith("ws:") ? "ws" : "http");
      await db.executeMultiple(
        "DROP TABLE IF EXISTS t; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE);",
      );
      const ins = await db.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: ["a"] });
      expect(ins.rowsAffected).toBe(1);
      expect(ins.lastInsertRowid).toBe(1n);
      const named = await db.execute({ sql: "SELECT :v AS v, ?1 AS same", args: { v: "x" } });
      expect(named.rows[0]).toMatchObject({ v: "x", same: "x" });
      const batch = await db.batch(
        ["INSERT INTO t (v) VALUES ('b')", "SELECT count(*) AS n FROM t"],
        "write",
      );
      expect(batch[1]?.rows[0]?.n).toBe(2);
      const failed = await errorOf(
        db.batch(["INSERT INTO t (v) VALUES ('c')", "INSERT INTO t (v) VALUES ('a')"], "write"),
      );
      expect((failed as LibsqlError).code).toMatch(/SQLITE_CONSTRAINT/);
      const tx = await db.transaction("write");
      await tx.execute("INSERT INTO t (v) VALUES ('in-tx')");
      await tx.rollback();
      const tx2 = await db.transaction("write");
      await tx2.execute("INSERT INTO t (v) VALUES ('kept')");
      await tx2.commit();
      const rows = await db.execute("SELECT v FROM t ORDER BY id");
      expect(rows.rows.map((r) => r.v)).toEqual(["a", "b", "kept"]);
      expect(rows.columns).toEqual(["v"]);
    }
  });

  it("lets a transaction commit while another stream of the same socket waits for the lock", async () => {
    const server = await fx.start();
    const db = client(wsUrl(server));
    await db.execute("CREATE TABLE t (v TEXT)");
    const tx = await db.transaction("write");
    await tx.execute("INSERT INTO t VALUES ('tx')");
    const waiting = db.execute("INSERT INTO t VALUES ('waiter')");
    await new Promise((r) => setTimeout(r, 100));
    await tx.commit();
    await waiting;
    expect((await db.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(2);
  });

  it("rolls back a transaction left idle on a socket, so waiting writers get the lock", async () => {
    const server = await fx.start({ busyTimeoutMs: 3_000, transactionIdleTimeoutMs: 200 });
    const holder = client(wsUrl(server));
    const other = client(wsUrl(server));
    await holder.execute("CREATE TABLE t (v TEXT)");
    const tx = await holder.transaction("write");
    await tx.execute("INSERT INTO t VALUES ('abandoned')");
    await other.execute("INSERT INTO t VALUES ('waiter')");
    expect((await other.execute("SELECT v FROM t")).rows.map((r) => r.v)).toEqual(["waiter"]);
    const expired = await errorOf(tx.execute("SELECT 1"));
    expect((expired as LibsqlError).code).toBe("STREAM_EXPIRED");
  });

  it("takes the token in hello (JWT or static) and refuses a wrong one", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const server = await fx.start({ authJwtKey: publicKey, authToken: "static-secret" });
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const signed = `${part({ alg: "EdDSA" })}.${part({ a: "ro" })}`;
    const roToken = `${signed}.${sign(null, Buffer.from(signed), privateKey).toString("base64url")}`;

    expect((await client(wsUrl(server), "static-secret").execute("SELECT 1 AS o")).rows[0]?.o).toBe(
      1,
    );
    const ro = client(wsUrl(server), roToken);
    expect((await ro.execute("SELECT 2 AS o")).rows[0]?.o).toBe(2);
    expect(((await errorOf(ro.execute("CREATE TABLE x (y)"))) as LibsqlError).code).toBe(
      "SQLITE_AUTH",
    );
    const wrong = await errorOf(client(wsUrl(server), "nope").execute("SELECT 1"));
    expect(wrong).toBeInstanceOf(LibsqlError);
    expect(String((wrong as Error).message)).toMatch(/Unauthorized|auth/i);
  });

  it("refuses an upgrade from a web page (Origin) and enforces the statement limits", async () => {
    const server = await fx.start({ statementTimeoutMs: 300 });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl(server), ["hrana2"], { origin: "https://attacker.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(403);
    const db = client(wsUrl(server));
    const slow = await errorOf(
      db.execute(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
      ),
    );
    expect((slow as LibsqlError).code).toBe("SQLITE_INTERRUPT");
    expect(((await errorOf(db.execute("ATTACH 'x.db' AS x"))) as LibsqlError).code).toBe(
      "SQLITE_AUTH",
    );
    expect((await db.execute("SELECT 3 AS o")).rows[0]?.o).toBe(3);
  });
});
