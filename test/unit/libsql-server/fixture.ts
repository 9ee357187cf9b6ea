/** Starts real libSQL servers on free ports with temp database files, and cleans them up. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, type Config, createClient } from "@libsql/client";
import {
  type LibsqlServer,
  type LibsqlServerOptions,
  startLibsqlServer,
} from "../../../src/node/libsql-server/index.ts";

export type Fixture = {
  dir: string;
  start(options?: Partial<LibsqlServerOptions>): Promise<LibsqlServer>;
  client(server: LibsqlServer, config?: Partial<Config>): Client;
  cleanup(): Promise<void>;
};

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-libsql-"));
  const servers: LibsqlServer[] = [];
  const clients: Client[] = [];
  return {
    dir,
    async start(options = {}) {
      const server = await startLibsqlServer({ file: join(dir, "db.sqlite"), ...options });
      servers.push(server);
      return server;
    },
    client(server, config = {}) {
      const client = createClient({ url: server.url, ...config });
      clients.push(client);
      return client;
    },
    async cleanup() {
      for (const client of clients) client.close();
      await Promise.all(servers.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs a raw Hrana body, for what @libsql/client never sends. */
export async function post(server: LibsqlServer, path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), text };
}
