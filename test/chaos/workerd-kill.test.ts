/**
 * No lost writes on D1: creates stream into the app running in workerd (Miniflare) with a local
 * D1; the workerd process is SIGKILLed mid-stream and started again on the same files. Every
 * acknowledged create is there, the SQLite file is intact, and no row is half-written.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "libsql";
import type { Miniflare } from "miniflare";
import { afterAll, expect, it } from "vitest";
import { d1Target, migrate } from "../../src/node/migrate/index.ts";
import { MIGRATIONS } from "../unit/data/support/cluster.ts";
import { bundleWorker, startWorker, tempDir } from "../unit/data/support/workerd.ts";
import { childPids, kill9Pid } from "./support/processes.ts";
import { startStream } from "./support/stream.ts";

const temp = tempDir("nimbus-chaos-d1-");
let mf: Miniflare | undefined;

afterAll(async () => {
  await mf?.dispose().catch(() => undefined);
  temp.remove();
});

/** The one SQLite file Miniflare keeps for the D1 database. */
function d1File(persistTo: string): string {
  const folder = join(persistTo, "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(folder).filter(
    (name) => name.endsWith(".sqlite") && name !== "metadata.sqlite",
  );
  if (files.length !== 1)
    throw new Error(`expected one D1 file in ${folder}, found ${files.join(", ")}`);
  return join(folder, files[0] as string);
}

it("every acknowledged create survives SIGKILL of workerd", async () => {
  const scriptPath = await bundleWorker(temp.dir);
  const persistTo = join(temp.dir, "state");
  const before = new Set(childPids("workerd"));
  mf = startWorker({ scriptPath, persistTo });
  await migrate(d1Target(await mf.getD1Database("DB")), MIGRATIONS);
  const workerd = childPids("workerd").filter((pid) => !before.has(pid));
  expect(workerd).toHaveLength(1);

  let current: Miniflare = mf;
  const stream = startStream(async (tag) => {
    const res = await current.dispatchFetch("http://nimbus.test/links", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({
        title: `Link ${tag}`,
        url: `https://example.com/${tag}`,
        description: `written by ${tag}`,
      }),
    });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 300;
  });

  await stream.untilMore(60);
  await kill9Pid(workerd[0] as number);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await current.dispose().catch(() => undefined);
  mf = startWorker({ scriptPath, persistTo });
  await mf.ready;
  current = mf;
  await stream.untilMore(60);
  const { acknowledged, failed } = await stream.stop();
  await mf.dispose();
  mf = undefined;

  expect(failed.length).toBeGreaterThan(0); // the kill really hit the stream
  const db = new Database(d1File(persistTo), { readonly: true });
  try {
    expect(db.prepare("PRAGMA integrity_check").pluck().all()).toEqual(["ok"]);
    const rows = db.prepare("SELECT title, url, description FROM links").all() as {
      title: string;
      url: string;
      description: string;
    }[];
    const stored = new Set(rows.map((row) => row.url.replace("https://example.com/", "")));
    expect(acknowledged.filter((tag) => !stored.has(tag))).toEqual([]);
    const halfWritten = rows.filter((row) => {
      const tag = row.url.replace("https://example.com/", "");
      return row.title !== `Link ${tag}` || row.description !== `written by ${tag}`;
    });
    expect(halfWritten).toEqual([]);
    expect(rows.length).toBeLessThanOrEqual(acknowledged.length + failed.length);
  } finally {
    db.close();
  }
});
