// What the figures were measured on, for the results header.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import { loadAverage } from "./proc.ts";

const PACKAGES = [
  "hono",
  "drizzle-orm",
  "zod",
  "miniflare",
  "wrangler",
  "express",
  "fastify",
  "better-sqlite3",
  "@hono/node-server",
];

/** First line a command prints about its version (some, like wrk, exit non-zero doing so). */
export function commandVersion(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 20_000 });
  return `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n")[0] ?? "";
}

function packageVersion(root: string, name: string): string {
  try {
    const file = join(root, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "missing";
  }
}

export function describeMachine(root: string, peerNode: string, workerd: string) {
  return {
    // All online CPUs: the runner itself is pinned to one by the time it asks.
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memory_gb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: {
      runner_and_workerd_tooling: process.version,
      node_peers: commandVersion(peerNode, ["--version"]),
    },
    workerd: commandVersion(workerd, ["--version"]),
    wrk: commandVersion("wrk", ["--version"]).replace(/ Copyright.*/, ""),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(root, name)])),
    load_average_at_start: loadAverage(),
  };
}

export type Machine = ReturnType<typeof describeMachine>;
