import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLibsqlServer } from "../../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./fixture.ts";

let fx: Fixture;
let child: ChildProcess | undefined;

beforeEach(() => {
  fx = fixture();
});
afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
  await fx.cleanup();
});

const script = join(import.meta.dirname, "../../../scripts/libsql-server.ts");

/** Starts the CLI on a free port and resolves with the URL it prints. */
function startCli(file: string): Promise<{ url: string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [script, "--port", "0", "--file", file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    proc.stderr?.on("data", (d) => {
      err += d;
    });
    proc.stdout?.on("data", (d) => {
      out += d;
      const url = /^(http:\/\/\S+)$/m.exec(out)?.[1];
      if (url) resolve({ url, exited });
    });
    proc.on("exit", (code) => reject(new Error(`CLI exited (${code}) before listening: ${err}`)));
  });
}

describe("durability", () => {
  it("keeps committed data across a restart, and drops uncommitted work", async () => {
    const file = join(fx.dir, "restart.db");
    const first = await startLibsqlServer({ file });
    const c1 = createClient({ url: first.url });
    await c1.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    await c1.batch(
      ["INSERT INTO notes (body) VALUES ('one')", "INSERT INTO notes (body) VALUES ('two')"],
      "write",
    );
    const tx = await c1.transaction("write");
    await tx.execute("INSERT INTO notes (body) VALUES ('never committed')");
    await first.close();
    c1.close();

    const second = await fx.start({ file });
    const rs = await fx.client(second).execute("SELECT body FROM notes ORDER BY id");
    expect(rs.rows.map((r) => r.body)).toEqual(["one", "two"]);
  });

  it("keeps every acknowledged commit when the process is killed (SIGKILL)", async () => {
    const file = join(fx.dir, "killed.db");
    const { url, exited } = await startCli(file);
    const client = createClient({ url });
    await client.execute("CREATE TABLE events (n INTEGER)");
    for (let n = 1; n <= 20; n++)
      await client.execute({ sql: "INSERT INTO events VALUES (?)", args: [n] });
    client.close();
    child?.kill("SIGKILL");
    await exited;

    const server = await fx.start({ file });
    const rs = await fx.client(server).execute("SELECT count(*) AS c, sum(n) AS s FROM events");
    expect(rs.rows[0]).toMatchObject({ c: 20, s: 210 });
  });

  it("stops cleanly on SIGTERM", async () => {
    const { url, exited } = await startCli(join(fx.dir, "term.db"));
    expect((await fetch(`${url}/health`)).status).toBe(200);
    child?.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("runs in WAL mode with synchronous=FULL by default, NORMAL on request", async () => {
    const full = await fx.start();
    const c = fx.client(full);
    expect((await c.execute("PRAGMA journal_mode")).rows[0]?.journal_mode).toBe("wal");
    expect((await c.execute("PRAGMA synchronous")).rows[0]?.synchronous).toBe(2);
    const normal = await fx.start({ file: join(fx.dir, "normal.db"), synchronous: "NORMAL" });
    expect((await fx.client(normal).execute("PRAGMA synchronous")).rows[0]?.synchronous).toBe(1);
  });

  it("refuses options it cannot honour", async () => {
    await expect(startLibsqlServer({ file: ":memory:" })).rejects.toThrow(/database file/);
    await expect(
      startLibsqlServer({ file: join(fx.dir, "x.db"), synchronous: "SOMETIMES" as "FULL" }),
    ).rejects.toThrow(/synchronous/);
  });
});
