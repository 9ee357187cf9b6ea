/**
 * A generated app on the mirrored database, the way a user gets there with the CLI: `nimbus new`,
 * `nimbus generate scaffold Post …`, `nimbus db cluster up --nodes 3`, then `nimbus db migrate`
 * and `nimbus build` with the DATABASE_URL it printed (every node's endpoint), and plain
 * `workerd serve` on the build. Over HTTP, in JSON and through the HTML forms: create, list,
 * show, update, destroy. Then the leader's node (dqlite member and endpoint, as when its machine
 * dies) is killed -9 under a stream of creates: every acknowledged create is there exactly once
 * and the app keeps working after the stall; a new migration applies on the new leader;
 * `nimbus db cluster up` brings the node back, it catches up (identical copies on all three);
 * `nimbus db cluster down` leaves no process behind, and `up` starts the same database again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DqliteApi } from "../../src/node/dqlite/api.ts";
import { readClusterState } from "../../src/node/dqlite/cluster.ts";
import { isSameProcess, stopPid } from "../../src/node/dqlite/processes.ts";
import { freePort } from "../../src/node/free-port.ts";
import { FormBrowser } from "./support/browser.ts";
import { newApp, nimbus, type ServedNode, serveBuild } from "./support/cli-app.ts";
import { AckClock, convergedChecksum } from "./support/mirrored.ts";
import { startStream } from "./support/stream.ts";

const temp = mkdtempSync(join(tmpdir(), "nimbus-mirrored-scaffold-"));
let app = "";
let databaseUrl = "";
let node: ServedNode | undefined;
const clusterDir = () => join(app, ".nimbus", "db-cluster");
const SECRET = { SESSION_SECRET: "mirrored-scaffold-session-secret-0123456789" };

/** Every process the cluster recorded (pid, start time), running or not. */
function recordedProcesses() {
  return (readClusterState(clusterDir())?.nodes ?? []).flatMap((n) =>
    [n.dqlite, n.libsql].filter((r) => r !== null),
  );
}

afterAll(async () => {
  await node?.stop();
  // Whatever the test left running, `down` stops it; then nothing recorded may be alive.
  if (app) await nimbus(["db", "cluster", "down"], app).catch(() => undefined);
  for (const r of recordedProcesses()) await stopPid(r.pid, r.startTime, "SIGKILL");
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

beforeAll(async () => {
  app = await newApp(temp, "shop");
  // The scaffold (drizzle-kit writes its migration) while the database starts.
  const [, up] = await Promise.all([
    nimbus(["generate", "scaffold", "Post", "title:string", "body:text", "published:boolean"], app),
    nimbus(["db", "cluster", "up", "--nodes", "3"], app),
  ]);
  databaseUrl = /^DATABASE_URL=(\S+)$/m.exec(up)?.[1] ?? "";
  expect(databaseUrl.split(","), up).toHaveLength(3);

  const port = await freePort();
  const [migrated, built] = await Promise.all([
    nimbus(["db", "migrate"], app, { DATABASE_URL: databaseUrl }),
    nimbus(["build", "--listen", `127.0.0.1:${port}`], app, { DATABASE_URL: databaseUrl }),
  ]);
  expect(migrated).toMatch(/applied 0000_create_posts\.sql/);
  expect(built).toContain("node-1.capnp");
  node = await serveBuild(
    join(app, "build", "node-1.capnp"),
    `http://127.0.0.1:${port}`,
    SECRET,
    "/posts.json",
  );
}, 240_000);

function json(path: string, method = "GET", body?: unknown): Promise<Response> {
  return fetch(`${node?.url}${path}`, {
    method,
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Create, list, show, update, a refused create, destroy: JSON, then the HTML forms. */
async function crud(label: string): Promise<void> {
  const log = () => node?.log().slice(-3000);
  const created = await json("/posts", "POST", {
    title: `${label} json`,
    body: "b",
    published: true,
  });
  expect(created.status, log()).toBe(201);
  const { data: post } = (await created.json()) as { data: { id: number } };
  const list = (await (await json("/posts.json")).json()) as { data: { id: number }[] };
  expect(list.data.map((row) => row.id)).toContain(post.id);
  expect(await (await json(`/posts/${post.id}.json`)).json()).toMatchObject({
    data: { id: post.id, title: `${label} json`, published: true },
  });
  const edited = await json(`/posts/${post.id}.json`, "PATCH", { title: `${label} edited` });
  expect(await edited.json()).toMatchObject({ data: { id: post.id, title: `${label} edited` } });
  const refused = await json("/posts", "POST", { title: "x".repeat(256) });
  expect(refused.status).toBe(422);
  expect((await json(`/posts/${post.id}`, "DELETE")).status).toBe(204);
  expect((await json(`/posts/${post.id}.json`)).status).toBe(404);

  const browser = new FormBrowser(node?.url as string);
  const _csrf = await browser.csrfFrom("/posts/new");
  const form = await browser.submit("/posts", { _csrf, title: `${label} form`, body: "typed" });
  expect(form.status, log()).toBe(303);
  const location = form.headers.get("Location") ?? "";
  expect(location).toMatch(/^\/posts\/\d+$/);
  const shown = await browser.page(location);
  expect(shown.html).toContain("Post was created.");
  expect(shown.html).toContain(`${label} form`);
  expect((await browser.page("/posts")).html).toContain(`href="${location}"`);
  const update = await browser.submit(location, {
    _csrf,
    _method: "PATCH",
    title: `${label} form 2`,
  });
  expect(update.status).toBe(303);
  expect((await browser.page(location)).html).toContain(`${label} form 2`);
  const removal = await browser.submit(location, { _csrf, _method: "DELETE" });
  expect(removal.headers.get("Location")).toBe("/posts");
  expect((await browser.page(location)).status).toBe(404);
}

it("the generated scaffold works on the mirrored database over HTTP, in JSON and HTML", async () => {
  await crud("before");
  expect(await nimbus(["db", "status"], app, { DATABASE_URL: databaseUrl })).toMatch(
    /applied {2}0000_create_posts\.sql/,
  );
});

it("the leader's node killed -9 under creates: no acknowledged create lost or doubled, the app works after the stall", async () => {
  const clock = new AckClock();
  const statuses = new Map<number, number>();
  const stream = startStream(
    async (tag) => {
      const res = await json("/posts", "POST", { title: tag, body: "stream", published: false });
      await res.arrayBuffer();
      const ok = res.status === 201;
      if (ok) clock.tick();
      else statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      return ok;
    },
    4,
    "stream",
  );
  await stream.untilMore(20, 30_000);

  const status = await nimbus(["db", "cluster", "status"], app);
  const leader = Number(/node (\d)\s.*up \(leader\)/.exec(status)?.[1]) - 1;
  const state = readClusterState(clusterDir());
  const dying = state?.nodes[leader];
  expect(dying, status).toBeDefined();
  const killedAt = Date.now();
  for (const r of [dying?.dqlite, dying?.libsql]) {
    if (r && isSameProcess(r.pid, r.startTime)) process.kill(r.pid, "SIGKILL");
  }
  await stream.untilMore(20, 45_000);
  const { acknowledged, failed } = await stream.stop();
  console.log(
    `mirrored scaffold: leader (node ${leader + 1}) killed -9 — write stall ${clock.longestGapSince(killedAt)} ms; ${acknowledged.length} creates acknowledged, ${failed.length} failed ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  // Requests in flight on the dead endpoint fail as "unavailable, retry" (503), never as a 500.
  expect([...statuses.keys()].filter((code) => code !== 503)).toEqual([]);
  expect(await nimbus(["db", "cluster", "status"], app)).toMatch(/1 of 3 nodes down/);

  // What the database holds, asked of a surviving endpoint.
  const survivor = databaseUrl.split(",").filter((_, i) => i !== leader)[0] as string;
  const client = createClient({ url: survivor });
  const rows = await client
    .execute("SELECT title FROM posts WHERE body = 'stream'")
    .finally(() => client.close());
  const stored = rows.rows.map((row) => String(row.title));
  expect(acknowledged.filter((tag) => !stored.includes(tag))).toEqual([]);
  expect(stored.length).toBe(new Set(stored).size);
  const sent = new Set([...acknowledged, ...failed]);
  expect(stored.filter((tag) => !sent.has(tag))).toEqual([]);
  await crud("after");
}, 120_000);

it("a new migration applies on the new leader; `cluster up` brings the dead node back and it catches up", async () => {
  // The dead node starts again while drizzle-kit writes the migration; the new leader stays.
  await Promise.all([
    nimbus(["generate", "scaffold", "Tag", "name:string"], app),
    nimbus(["db", "cluster", "up"], app),
  ]);
  const migrated = await nimbus(["db", "migrate"], app, { DATABASE_URL: databaseUrl });
  expect(migrated).toMatch(/applied 0001_create_tags\.sql/);
  expect(migrated).not.toContain("0000_create_posts");
  const status = await nimbus(["db", "cluster", "status"], app);
  expect(status.match(/ up( \(leader\))?$/gm)).toHaveLength(3);
  const nodes = (readClusterState(clusterDir())?.nodes ?? []).map((n) => ({
    api: () => new DqliteApi(n.spec.socket),
  }));
  const content = await convergedChecksum(nodes, 30_000);
  expect(content.integrity).toEqual(["ok"]);
  expect(content.rows.tags).toBe(0);
  expect(content.rows.posts).toBeGreaterThanOrEqual(40);
}, 120_000);

it("`nimbus db cluster down` stops every process it started; `up` starts the same database again", async () => {
  const processes = recordedProcesses();
  expect(processes).toHaveLength(6);
  expect(await nimbus(["db", "cluster", "down"], app)).toContain("Stopped 6 processes");
  expect(processes.filter((r) => isSameProcess(r.pid, r.startTime))).toEqual([]);
  expect(await nimbus(["db", "cluster", "status"], app)).toContain("is stopped");

  // All three were down: none can be ready alone (each waits for a majority), so they start together.
  const up = await nimbus(["db", "cluster", "up"], app);
  expect(up).toContain(`DATABASE_URL=${databaseUrl}`);
  const client = createClient({ url: databaseUrl.split(",")[2] as string });
  const count = await client
    .execute("SELECT count(*) AS n FROM posts WHERE body = 'stream'")
    .finally(() => client.close());
  expect(Number(count.rows[0]?.n)).toBeGreaterThanOrEqual(40);
  await expect(nimbus(["db", "cluster", "up", "--nodes", "5"], app)).rejects.toThrow(
    /holds a mirrored database of 3 nodes, not 5/,
  );
  expect(await nimbus(["db", "cluster", "down"], app)).toContain("Stopped 6 processes");
}, 90_000);
