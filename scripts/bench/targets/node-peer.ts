// express, fastify, hono-node: Node servers with better-sqlite3, run by the Node that
// better-sqlite3's native addon was built for (the machine's, not the project's Node 22).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, waitFor200 } from "../lib/http.ts";
import { findInTree } from "../lib/proc.ts";
import { start } from "../lib/processes.ts";
import type { BenchContext, Target, TargetName } from "./target.ts";

const PEERS = join(import.meta.dirname, "../peers/node");

const FRAMEWORK: Record<string, string> = {
  express: "Express 5",
  fastify: "Fastify 5",
  "hono-node": "Hono on @hono/node-server",
};

function args(ctx: BenchContext, name: TargetName, port: number): string[] {
  return [
    join(PEERS, `${name}.mjs`),
    "--port",
    String(port),
    "--db",
    join(ctx.workDir, name, "links.db"),
    "--migrations",
    ctx.app.migrationsDir,
    "--seed",
    String(ctx.seedCount),
  ];
}

function nodePeer(name: "express" | "fastify" | "hono-node"): Target {
  return {
    name,
    runtime: (ctx) =>
      `${FRAMEWORK[name]} + better-sqlite3 (WAL) on Node ${ctx.peerNode.version}, one process`,
    nodeVersion: (ctx) => ctx.peerNode.version,
    async start(ctx) {
      const port = await freePort();
      const dir = join(ctx.workDir, name);
      mkdirSync(dir, { recursive: true });
      const group = start(ctx.peerNode.path, args(ctx, name, port), {
        core: ctx.cores.server,
        maxSeconds: ctx.maxSeconds,
        logFile: join(dir, "server.log"),
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor200(`${url}/hello`, {
        timeoutMs: 30_000,
        intervalMs: 20,
        gone: () => group.child.exitCode !== null,
      });
      return {
        url,
        group,
        servingPid: () => findInTree(group.pid, "node"),
        stop: () => group.stop(),
      };
    },
    // The database the load runs left behind: a restarted node opens an existing file.
    coldStart: (ctx, port) => ({
      how: `node ${ctx.peerNode.version}, opening the database the load runs left`,
      command: ctx.peerNode.path,
      args: args(ctx, name, port),
      serving: "node",
    }),
  };
}

export const express = nodePeer("express");
export const fastify = nodePeer("fastify");
export const honoNode = nodePeer("hono-node");
