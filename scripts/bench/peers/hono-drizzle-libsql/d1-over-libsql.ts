// Stands in for `drizzle-orm/d1` when the hono-drizzle peer is bundled for the libSQL path
// (wrangler.toml's [alias]): the peer's unchanged `drizzle(c.env.DB)` gets drizzle's libSQL
// driver over the client worker.ts put in DB — the one Nimbus's own requests use.
import type { Client } from "@libsql/client/web";
import { drizzle as libsqlDrizzle } from "drizzle-orm/libsql/web";

export function drizzle(client: Client) {
  return libsqlDrizzle(client);
}
