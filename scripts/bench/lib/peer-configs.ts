import { join } from "node:path";

const PEERS = join(import.meta.dirname, "../peers");

/** The wrangler config of each hand-written peer that runs on the D1 path (Miniflare). */
export const D1_PEER_CONFIGS: Readonly<Record<string, string>> = {
  "hono-drizzle": join(PEERS, "hono-drizzle/wrangler.toml"),
  "hono-drizzle-defaults": join(PEERS, "hono-drizzle/wrangler-defaults.toml"),
};

/** The peer's code with drizzle's libSQL driver (needs a libSQL server, not Miniflare's D1). */
export const LIBSQL_PEER_CONFIG = join(PEERS, "hono-drizzle-libsql/wrangler.toml");
