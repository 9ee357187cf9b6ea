/**
 * nimbus/coord on a cluster: two app nodes (workerd) share one coordination host (workerd owning
 * the Durable Objects). Whatever node a request lands on, counters, rate limits, locks, rooms,
 * jobs and cron act on the same objects: exact totals, one holder, one tick.
 */
import { eventually } from "nimbus-web/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type CoordCluster, startCoordCluster } from "./support/coord-cluster.ts";

let cluster: CoordCluster;
let a: string;
let b: string;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  cluster = await startCoordCluster(2);
  [a, b] = cluster.nodes.map((node) => node.url) as [string, string];
});

afterAll(async () => {
  await cluster?.stop();
});

async function post<T>(url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/** Runs `count` calls of `call(i)`, `concurrency` at a time. */
async function pool<T>(count: number, concurrency: number, call: (i: number) => Promise<T>) {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

const node = (i: number) => (i % 2 === 0 ? a : b);

/** The counter `name` as one node reads it. */
async function count(url: string, name: string): Promise<number> {
  const { value } = (await (await fetch(`${url}/count/${name}`)).json()) as { value: number };
  return value;
}

it("a counter incremented through both nodes at once has the exact total", async () => {
  const results = await pool(200, 24, (i) => post<{ value: number }>(`${node(i)}/count/votes`));
  expect(results.every((r) => r.status === 200)).toBe(true);
  // Every increment saw a different total: none was applied on a node-local copy.
  const values = results.map((r) => r.body.value).sort((x, y) => x - y);
  expect(values).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  const total = await (await fetch(`${b}/count/votes`)).json();
  expect(total).toEqual({ value: 200 });
});

it("a rate limit is exact across nodes", async () => {
  const results = await pool(40, 16, (i) => post(`${node(i)}/limited/login`));
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  // Both nodes admitted some and refused some: one limit, not one per node.
  const byNode = (n: number, s: number) =>
    statuses.filter((st, i) => i % 2 === n && st === s).length;
  expect(byNode(0, 429) + byNode(1, 429)).toBe(30);
});

it("a lock is exclusive across nodes", async () => {
  const results = await pool(24, 12, (i) =>
    post<{ fence: number }>(`${node(i)}/locked-add/import`),
  );
  expect(results.map((r) => r.status)).toEqual(new Array(24).fill(200));
  // A read-modify-write with a pause inside: any overlap between holders would lose an update.
  const register = await (await fetch(`${a}/register/import`)).json();
  expect(register).toEqual({ n: 24 });
  const fences = results.map((r) => r.body.fence).sort((x, y) => x - y);
  expect(fences).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
});

describe("rooms", () => {
  it("a message published via node A reaches a subscriber connected via node B", async () => {
    const frames: { type: string; seq?: number; data?: unknown }[] = [];
    const socket = new WebSocket(`${b.replace("http", "ws")}/rooms/lobby`);
    socket.on("message", (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    try {
      await eventually(async () => frames.find((f) => f.type === "ready"));
      const { body } = await post<{ seq: number }>(`${a}/rooms/lobby`, { hello: "from a" });
      const got = await eventually(async () => frames.find((f) => f.type === "message"));
      expect(got).toEqual({ type: "message", seq: body.seq, data: { hello: "from a" } });
    } finally {
      socket.close();
    }
  });
});

it("a job enqueued on a node runs once, on the host", async () => {
  await post(`${a}/jobs/welcome`);
  await eventually(async () => {
    const value = await count(b, "runs:welcome");
    return value >= 1 ? value : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await (await fetch(`${a}/count/runs:welcome`)).json()).toEqual({ value: 1 });
});

it("cron fires each tick exactly once for the whole cluster", async () => {
  // The fixture's cron is every 2 s; the host's clock fires it, the nodes never do.
  const ticks = await eventually(async () => {
    const value = await count(a, "ticks");
    return value >= 2 ? value : undefined;
  }, 8_000);
  expect(ticks).toBeGreaterThanOrEqual(2);
  // No tick ran twice: each tick's own counter is 1, and as many ticks were counted as ran.
  const before = await count(b, "ticks");
  const since = Math.floor(Date.now() / 2000) * 2000 + 2000;
  let seen = 0;
  for (let at = Math.floor(startedAt / 2000) * 2000; at <= since; at += 2000) {
    const value = await count(b, `tick:${at}`);
    expect(value).toBeLessThanOrEqual(1);
    seen += value;
  }
  // A tick may land while we read (its own counter is written before the total).
  expect(seen).toBeGreaterThanOrEqual(before);
  expect(seen).toBeLessThanOrEqual((await count(b, "ticks")) + 1);
});

describe("the coordination host's interface", () => {
  const host = () => cluster.host.current.url;
  const call = (body: unknown, token?: string) =>
    fetch(`${host()}/nimbus-coord/v1/call`, {
      method: "POST",
      headers: token ? { "x-nimbus-coord-token": token } : {},
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("refuses calls without the cluster's token", async () => {
    const res = await call({
      kind: "coordinator",
      name: "counter:votes",
      method: "increment",
      args: [1],
    });
    expect(res.status).toBe(401);
    expect(await (await fetch(`${a}/count/votes`)).json()).toEqual({ value: 200 });
  });

  it("answers bad calls with 400 and changes nothing", async () => {
    const token = cluster.hostOptions.token;
    for (const body of [
      "not json",
      { kind: "nope", name: "x", method: "count", args: [] },
      { kind: "coordinator", name: "counter:votes", method: "constructor", args: [] },
      { kind: "coordinator", name: "", method: "count", args: [] },
      { kind: "coordinator", name: "counter:votes", method: "increment", args: "1" },
      { kind: "coordinator", name: "counter:votes", method: "increment", args: [1], callId: 7 },
    ]) {
      const res = await call(body, token);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await (await fetch(`${a}/count/votes`)).json()).toEqual({ value: 200 });
  });

  it("runs a retried write once: the same call id gets the first answer", async () => {
    const token = cluster.hostOptions.token;
    const body = {
      kind: "coordinator",
      name: "counter:retried",
      method: "increment",
      args: [1],
      callId: crypto.randomUUID(),
    };
    const first = await (await call(body, token)).json();
    const again = await (await call(body, token)).json();
    expect(first).toEqual({ result: 1 });
    expect(again).toEqual({ result: 1 });
    expect(await count(a, "retried")).toBe(1);
  });
});
