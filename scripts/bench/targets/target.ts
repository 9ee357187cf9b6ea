import type { Started } from "../lib/processes.ts";

export type TargetName =
  | "nimbus"
  | "nimbus-libsql"
  | "nimbus-mirrored"
  | "hono-drizzle-libsql"
  | "hono-drizzle"
  | "hono-drizzle-defaults"
  | "raw-workerd"
  | "express"
  | "fastify"
  | "hono-node";

/** Built by `wrangler deploy --dry-run`: what would be uploaded. */
export interface Bundle {
  /** The wrangler.toml it was built from; its bindings are what the bundle runs with. */
  config: string;
  /** wrangler's Miniflare options for that config (bindings, compatibility), as JSON. */
  workerOptions: Record<string, unknown>;
  dir: string;
  main: string;
  bytes: number;
  gzipBytes: number;
}

/** What the bench takes from the demo's wrangler.toml, and how it overrides it. */
export interface AppConfig {
  compatibilityDate: string;
  d1Binding: string;
  migrationsDir: string;
  /** Replace wrangler.toml's vars: measured in production mode with a real session secret. */
  productionVars: Record<string, string>;
}

export interface BenchContext {
  root: string;
  workDir: string;
  seedCount: number;
  app: AppConfig;
  bundles: {
    nimbus: Bundle;
    "hono-drizzle": Bundle;
    "hono-drizzle-defaults": Bundle;
    "hono-drizzle-libsql": Bundle;
  };
  /** Server core and load-generator core; undefined when the machine has one core. */
  cores: { server: number | undefined; load: number | undefined };
  /** No server the bench starts lives longer than this. */
  maxSeconds: number;
  peerNode: { path: string; version: string };
  workerdPath: string;
  workerdVersion: string;
}

export interface RunningTarget {
  url: string;
  /** The process that serves requests (workerd or node), for memory and CPU readings. */
  servingPid(): number | undefined;
  /** Other processes whose CPU each request also costs (a database server on the same core). */
  supportPids?(): number[];
  stop(): Promise<void>;
  /** Processes the bench started for this target; anything else on the server core is noise. */
  group: Started;
}

/** A fresh process answering /hello on `port`, for cold starts. */
export interface ColdStartCommand {
  /** How the process runs, for the results. */
  how: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The name of the serving process in the tree, for its memory. */
  serving: string;
  /** When the serving process really started (epoch ms), if not when the runner spawned it. */
  startedAt?: () => number | undefined;
}

export interface Target {
  name: TargetName;
  /** How it runs, for the results header. */
  runtime(ctx: BenchContext): string;
  nodeVersion(ctx: BenchContext): string | undefined;
  start(ctx: BenchContext): Promise<RunningTarget>;
  coldStart(ctx: BenchContext, port: number, dir: string): ColdStartCommand;
}
