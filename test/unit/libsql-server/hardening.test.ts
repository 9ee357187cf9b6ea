/**
 * The server as a network service: sqld-style auth (Ed25519 JWTs, static tokens), loopback-only
 * without auth, nothing a web page could send blind, no statement that touches server files.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { createClient, LibsqlError } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { libsqlOptionsFromEnv } from "../../../src/nimbus/db/from-env.ts";
import { loadJwtKey } from "../../../src/node/libsql-server/auth.ts";
import type { LibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { startLibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture, post } from "./fixture.ts";

let fx: Fixture;
beforeEach(() => {
  fx = fixture();
});
afterEach(() => fx.cleanup());

async function errorOf(promise: Promise<unknown>): Promise<LibsqlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LibsqlError);
  return err as LibsqlError;
}

/** A JWT as sqld/Turso issue them: EdDSA over base64url(header).base64url(claims). */
function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const signed = `${part({ alg: "EdDSA", typ: "JWT" })}.${part(claims)}`;
  return `${signed}.${sign(null, Buffer.from(signed), key).toString("base64url")}`;
}

/** An Ed25519 pair; the public key written as Turso prints it (raw, URL-safe base64). */
function keyPair(dir: string, name: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = (publicKey.export({ format: "jwk" }) as { x: string }).x;
  const file = join(dir, `${name}.key`);
  writeFileSync(file, `${raw}\n`);
  const pem = join(dir, `${name}.pem`);
  writeFileSync(pem, publicKey.export({ format: "pem", type: "spki" }));
  return { privateKey, file, pem };
}

const now = () => Math.floor(Date.now() / 1000);

/** A raw request with headers fetch would not let us set (Host). */
function raw(
  server: LibsqlServer,
  headers: Record<string, string>,
  body = '{"requests":[]}',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/v2/pipeline`,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("auth like sqld", () => {
  it("accepts Ed25519 JWTs from --auth-jwt-key-file (raw or PEM key) and refuses the rest", async () => {
    const good = keyPair(fx.dir, "good");
    const other = keyPair(fx.dir, "other");
    const server = await fx.start({ authJwtKey: loadJwtKey(good.file) });
    expect(server.authenticated).toBe(true);
    const token = jwt(good.privateKey, { iat: now(), exp: now() + 600, a: "rw" });
    const db = fx.client(server, { authToken: token });
    await db.execute("CREATE TABLE t (v)");
    await db.execute("INSERT INTO t VALUES (1)");

    for (const bad of [
      undefined,
      jwt(other.privateKey, { a: "rw" }),
      jwt(good.privateKey, { exp: now() - 10 }),
      `${token}x`,
      "not-a-token",
    ]) {
      const err = await errorOf(fx.client(server, { authToken: bad }).execute("SELECT 1"));
      expect(err.message).toMatch(/401|Unauthorized/);
    }
    // the same key as PEM works too
    const pemServer = await startLibsqlServer({
      file: join(fx.dir, "pem.db"),
      authJwtKey: loadJwtKey(good.pem),
    });
    try {
      const viaPem = fx.client(pemServer as LibsqlServer, { authToken: token });
      expect((await viaPem.execute("SELECT 7 AS n")).rows[0]?.n).toBe(7);
    } finally {
      await pemServer.close();
    }
  });

  it("gives a token with a=ro reads only", async () => {
    const keys = keyPair(fx.dir, "k");
    const server = await fx.start({ authJwtKey: loadJwtKey(keys.file) });
    const rw = fx.client(server, { authToken: jwt(keys.privateKey, { a: "rw" }) });
    const ro = fx.client(server, { authToken: jwt(keys.privateKey, { a: "ro" }) });
    await rw.execute("CREATE TABLE t (v)");
    expect((await ro.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(0);
    expect((await ro.execute("PRAGMA table_info(t)")).rows).toHaveLength(1);
    for (const sql of ["INSERT INTO t VALUES (1)", "DROP TABLE t", "PRAGMA user_version = 3"]) {
      const err = await errorOf(ro.execute(sql));
      expect(err.code).toBe("SQLITE_AUTH");
      expect(err.message).toMatch(/read-only/);
    }
    expect((await rw.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(0);
  });

  it("takes the app's DATABASE_AUTH_TOKEN (static token) through the project's config", async () => {
    const server = await fx.start({ authToken: "s3cret-token" });
    const options = libsqlOptionsFromEnv({
      DATABASE_URL: server.url,
      DATABASE_AUTH_TOKEN: "s3cret-token",
    });
    expect(options?.authToken).toBe("s3cret-token");
    const db = createClient({ url: server.url, authToken: options?.authToken });
    try {
      expect((await db.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    } finally {
      db.close();
    }
    expect((await post(server, "/v2/pipeline", { requests: [] })).status).toBe(401);
  });

  it("listens beyond loopback only with auth", async () => {
    await expect(
      startLibsqlServer({ file: join(fx.dir, "x.db"), host: "0.0.0.0" }),
    ).rejects.toThrow(/without authentication/);
    const open = await fx.start();
    expect(open.authenticated).toBe(false);
  });
});

describe("what a web page could send", () => {
  it("refuses bodies that are not JSON", async () => {
    const server = await fx.start();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
      const res = await raw(server, { "content-type": type });
      expect(res.status).toBe(415);
      expect(res.text).toMatch(/application\/json/);
    }
    expect((await raw(server, {})).status).toBe(200);
  });

  it("refuses foreign Host names (DNS rebinding) and requests with an Origin", async () => {
    const server = await fx.start();
    expect((await raw(server, { host: `attacker.example:${server.port}` })).status).toBe(403);
    expect((await raw(server, { host: `localhost:${server.port}` })).status).toBe(200);
    const fromPage = await raw(server, { origin: "https://attacker.example" });
    expect(fromPage.status).toBe(403);
    expect(fromPage.text).toMatch(/web pages/);
  });
});

describe("statements that touch server files", () => {
  it("refuses ATTACH, VACUUM INTO, load_extension and file-format PRAGMAs; nothing runs", async () => {
    const server = await fx.start();
    const db = fx.client(server);
    await db.execute("CREATE TABLE t (v)");
    const target = join(fx.dir, "stolen.db");
    const refused = [
      `ATTACH '${target}' AS x`,
      `  /* hi */ attach database '${target}' as "x"`,
      `VACUUM INTO '${target}'`,
      `SELECT load_extension('/tmp/evil.so')`,
      `SELECT "LOAD_EXTENSION"('/tmp/evil.so')`,
      "PRAGMA journal_mode = DELETE",
      "PRAGMA main.journal_mode=MEMORY",
      "PRAGMA writable_schema = 1",
    ];
    for (const sql of refused) {
      const err = await errorOf(db.execute(sql));
      expect(err.code, sql).toBe("SQLITE_AUTH");
    }
    // a script with one refused statement runs none of it
    const err = await errorOf(
      db.executeMultiple(`INSERT INTO t VALUES (1); VACUUM INTO '${target}';`),
    );
    expect(err.code).toBe("SQLITE_AUTH");
    expect(existsSync(target)).toBe(false);
    expect((await db.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(0);
    expect(String((await db.execute("PRAGMA journal_mode")).rows[0]?.[0])).toBe("wal");
  });
});
