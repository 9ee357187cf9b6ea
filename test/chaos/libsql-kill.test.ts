/**
 * No lost writes on libSQL: creates stream through the app to a local libSQL server running as
 * its own process; the server is SIGKILLed mid-stream and restarted on the same file. Every
 * create that was acknowledged (2xx) is there, the file is intact, and no row is half-written.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import Database from "libsql";
import { afterAll, expect, it, vi } from "vitest";
import { libsql } from "../../src/nimbus/db/libsql.ts";
import { openLibsql } from "../../src/node/migrate/index.ts";
import { migrate } from "../../src/node/migrate/migrate.ts";
import { demoApp } from "../unit/data/support/app.ts";
import { ApiClient } from "../unit/data/support/client.ts";
import { MIGRATIONS } from "../unit/data/support/cluster.ts";
import { tempDir } from "../unit/data/support/workerd.ts";
import { freePort, kill9, startNode } from "./support/processes.ts";
import { startStream } from "./support/stream.ts";

const SERVER = join(import.meta.dirname, "../../scripts/libsql-server.ts");
const temp = tempDir("nimbus-chaos-libsql-");
let server: ChildProcess | undefined;

afterAll(async () => {
  if (server) await kill9(server);
  temp.remove();
});

it("every acknowledged create survives SIGKILL of the libSQL server", async () => {
  const file = join(temp.dir, "chaos.db");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = () =>
    startNode([SERVER, "--file", file, "--port", String(port)], /^http:\/\/127\.0\.0\.1:\d+/m);
  server = await start();
  const setup = await openLibsql(url);
  await migrate(setup.target, MIGRATIONS);
  await setup.close();

  // While the server is down the app answers 503 (retry later); keep the output readable.
  const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const engine = libsql({ url });
  const app = demoApp(engine);
  const client = new ApiClient(app);
  const stream = startStream(async (tag) => {
    const res = await client.call("POST", "/links", {
      title: `Link ${tag}`,
      url: `https://example.com/${tag}`,
      description: `written by ${tag}`,
    });
    return res.status >= 200 && res.status < 300;
  });

  await stream.untilMore(60);
  await kill9(server);
  await new Promise((resolve) => setTimeout(resolve, 200));
  server = await start();
  await stream.untilMore(60);
  const { acknowledged, failed } = await stream.stop();
  await kill9(server);
  server = undefined;

  logged.mockRestore();
  expect(failed.length).toBeGreaterThan(0); // the kill really hit the stream
  const db = new Database(file, { readonly: true });
  try {
    expect(db.prepare("PRAGMA integrity_check").pluck().all()).toEqual(["ok"]);
    const rows = db.prepare("SELECT title, url, description FROM links").all() as {
      title: string;
      url: string;
      description: string;
    }[];
    const stored = new Set(rows.map((row) => row.url.replace("https://example.com/", "")));
    const lost = acknowledged.filter((tag) => !stored.has(tag));
    expect(lost).toEqual([]);
    const halfWritten = rows.filter((row) => {
      const tag = row.url.replace("https://example.com/", "");
      return row.title !== `Link ${tag}` || row.description !== `written by ${tag}`;
    });
    expect(halfWritten).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(acknowledged.length);
    expect(rows.length).toBeLessThanOrEqual(acknowledged.length + failed.length);
  } finally {
    db.close();
  }
});
