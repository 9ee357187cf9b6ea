/**
 * The demo, unchanged, on a cluster (`cluster up`: libSQL, the coordination host, an HAProxy
 * gateway, two workerd nodes): votes are exact and their rate limit is one limit for the whole
 * cluster, the sign-in limit too, the live list's room reaches a subscriber through the gateway,
 * and the fetch-title job runs (on the host) against the cluster's database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestBrowser } from "nimbus-web/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { clusterDown, clusterUp, type Progress } from "../../src/node/cluster/local/cluster.ts";
import type { ClusterState } from "../../src/node/cluster/local/state.ts";

const ROOT = join(import.meta.dirname, "../..");
const CLI = [process.execPath, join(ROOT, "dist/cli/main.js")];
const dir = mkdtempSync(join(tmpdir(), "nimbus-coord-demo-"));
const quiet: Progress = { step: (_label, work) => work(), say: () => undefined };
let state: ClusterState;
let titles: Server;
let titleUrl: string;

beforeAll(async () => {
  // A page whose <title> the fetch-title job copies into the link's description.
  titles = createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end("<html><head><title>Fetched on the host</title></head></html>");
  });
  await new Promise<void>((done) => titles.listen(0, "127.0.0.1", done));
  const address = titles.address();
  titleUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/page`;
  // As `cluster up --secrets …` with them in the environment: nodes and the host read them.
  process.env.TITLE_FETCH_ALLOW_HOSTS = "127.0.0.1";
  process.env.EDITOR_PASSWORD = "cluster-editor";
  state = await clusterUp({
    root: ROOT,
    dir,
    migrationsDir: join(ROOT, "migrations"),
    cli: CLI,
    progress: quiet,
    nodes: 2,
    secrets: ["TITLE_FETCH_ALLOW_HOSTS", "EDITOR_PASSWORD"],
  });
}, 120_000);

afterAll(async () => {
  await clusterDown(dir, quiet).catch(() => undefined);
  titles?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const gateway = () => state.gateways[0]?.url as string;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function json(path: string, method = "GET", body?: unknown) {
  const res = await fetch(`${gateway()}${path}`, {
    method,
    headers: { accept: "application/json", "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, node: res.headers.get("x-nimbus-node"), body: await res.json() };
}

it("votes through both nodes are exact, and their rate limit is one for the cluster", async () => {
  const { body } = await json("/links", "POST", { title: "Cluster", url: "https://example.com/c" });
  const id = (body as { data: { id: number } }).data.id;
  // The demo allows 30 votes a minute per client; all of these come from one client.
  const votes = await Promise.all(
    Array.from({ length: 40 }, () => json(`/links/${id}/vote`, "POST", {})),
  );
  const ok = votes.filter((v) => v.status === 200);
  expect(ok).toHaveLength(30);
  expect(votes.filter((v) => v.status === 429)).toHaveLength(10);
  expect(new Set(votes.map((v) => v.node))).toEqual(new Set(["node-1", "node-2"]));
  const totals = ok.map((v) => (v.body as { data: { votes: number } }).data.votes);
  expect(totals.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  const link = await json(`/links/${id}`);
  expect((link.body as { data: { votes: number } }).data.votes).toBe(30);
});

it("the sign-in limit counts attempts on every node together", async () => {
  const browser = new TestBrowser({ fetch: (req) => fetch(req) }, { origin: gateway() });
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const csrf = await browser.csrfFrom("/session/new", "/session");
    const res = await browser.submit("/session", { _csrf: csrf, password: `wrong-${i}` });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  expect(statuses).toEqual([422, 422, 422, 422, 422, 429, 429, 429]);
});

it("the live list's room reaches a subscriber through the gateway", async () => {
  const frames: { type: string; data?: { type: string; id?: number } }[] = [];
  const socket = new WebSocket(`${gateway().replace("http", "ws")}/live/links`);
  socket.on("message", (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  try {
    const deadline = Date.now() + 5_000;
    while (!frames.some((f) => f.type === "ready") && Date.now() < deadline) await sleep(20);
    const { body } = await json("/links", "POST", { title: "Live", url: titleUrl });
    const id = (body as { data: { id: number } }).data.id;
    while (!frames.some((f) => f.data?.type === "link" && f.data.id === id)) {
      if (Date.now() > deadline + 5_000)
        throw new Error(`no frame for link ${id}: ${JSON.stringify(frames)}`);
      await sleep(20);
    }
    // The same link's fetch-title job ran on the host and wrote to the cluster's database.
    let description: string | null = null;
    while (Date.now() < deadline + 10_000) {
      const link = await json(`/links/${id}`);
      description = (link.body as { data: { description: string | null } }).data.description;
      if (description) break;
      await sleep(100);
    }
    expect(description).toBe("Fetched on the host");
  } finally {
    socket.close();
  }
});
