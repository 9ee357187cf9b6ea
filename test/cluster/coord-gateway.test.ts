/**
 * Rooms through the gateway: HAProxy in front of two app nodes, the nodes in front of the
 * coordination host. Subscribers connect through the gateway (and land on both nodes), a message
 * is published through the gateway, and every subscriber gets it: each node relays its
 * subscribers' WebSockets to the one room object on the host.
 */
import type { Server } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { serverStats } from "../../src/node/cluster/gateway/runtime-api.ts";
import { startHaproxyGateway } from "../../src/node/cluster/gateway/start-haproxy.ts";
import { stopGroup } from "../../src/node/cluster/local/processes.ts";
import type { GatewayRecord } from "../../src/node/cluster/local/state.ts";
import { startAgentServer } from "../../src/node/cluster/node/agent-server.ts";
import { checkIn } from "../../src/node/cluster/node/check-in.ts";
import { freePort } from "../chaos/support/processes.ts";
import { type CoordCluster, startCoordCluster } from "./support/coord-cluster.ts";

let cluster: CoordCluster;
let gateway: GatewayRecord;
const agents: Server[] = [];

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
  cluster = await startCoordCluster(2);
  gateway = await startHaproxyGateway({
    name: "gw-coord",
    dir: cluster.dir,
    host: "127.0.0.1",
    port: await freePort(),
  });
  for (const node of cluster.nodes) {
    const { hostname, port } = new URL(node.url);
    // No node supervisor here: a fixed agent answer stands in for its load report.
    const agentPort = await freePort();
    agents.push(await startAgentServer(hostname, agentPort, () => "up 100%\n"));
    await checkIn(gateway.admin, {
      name: node.name,
      host: hostname,
      port: Number(port),
      agentHost: hostname,
      agentPort,
    });
  }
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stats = await serverStats(gateway.admin);
    if (stats.filter((s) => s.status.startsWith("UP")).length === 2) break;
    if (Date.now() > deadline)
      throw new Error(`nodes not up at the gateway: ${JSON.stringify(stats)}`);
    await sleep(100);
  }
});

afterAll(async () => {
  if (gateway) await stopGroup(gateway.pid, "SIGTERM", 5_000);
  for (const agent of agents) agent.close();
  await cluster?.stop();
});

interface Subscriber {
  node: string;
  frames: { type: string; seq?: number; data?: unknown }[];
  socket: WebSocket;
}

function subscribe(url: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const subscriber: Subscriber = { node: "", frames: [], socket };
    socket.on("upgrade", (res) => {
      subscriber.node = String(res.headers["x-node"] ?? "");
    });
    socket.on("message", (data) => subscriber.frames.push(JSON.parse(String(data))));
    socket.once("open", () => resolve(subscriber));
    socket.once("error", reject);
  });
}

it("subscribers on both nodes, through the gateway, get a message published through it", async () => {
  const ws = `${gateway.url.replace("http", "ws")}/rooms/gateway-lobby`;
  // Held connections: leastconn sends the next one to the other node.
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < 4; i++) subscribers.push(await subscribe(ws));
  try {
    expect(new Set(subscribers.map((s) => s.node))).toEqual(new Set(["node-a", "node-b"]));
    const res = await fetch(`${gateway.url}/rooms/gateway-lobby`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: "everyone" }),
    });
    const { seq } = (await res.json()) as { seq: number };
    const deadline = Date.now() + 5_000;
    while (subscribers.some((s) => !s.frames.some((f) => f.type === "message"))) {
      if (Date.now() > deadline) break;
      await sleep(20);
    }
    for (const s of subscribers) {
      expect(s.frames.filter((f) => f.type === "message")).toEqual([
        { type: "message", seq, data: { hello: "everyone" } },
      ]);
    }
  } finally {
    for (const s of subscribers) s.socket.close();
  }
});
