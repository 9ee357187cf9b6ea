/** The local libSQL servers the data bench talks to: each its own process, migrated and seeded. */
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { openLibsql } from "../../../src/node/migrate/index.ts";
import { migrate } from "../../../src/node/migrate/migrate.ts";
import { freePort } from "../lib/http.ts";
import { type Started, start } from "../lib/processes.ts";
import { INSERT_LINK, seedRows } from "./seed.ts";

const SERVER = join(import.meta.dirname, "../../libsql-server.ts");

export interface ServerProcess {
  url: string;
  file: string;
  process: Started;
}

/** Starts scripts/libsql-server.ts on a free port; resolves once it printed its URL. */
export async function startServer(
  file: string,
  maxSeconds: number,
  core?: number,
): Promise<ServerProcess> {
  const port = await freePort();
  const process_ = start(process.execPath, [SERVER, "--file", file, "--port", String(port)], {
    maxSeconds,
    core,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    process_.child.stdout?.on("data", (chunk) => {
      out += chunk;
      const match = /^(http:\/\/\S+)$/m.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    process_.exited.then((code) => reject(new Error(`libSQL server exited with ${code}`)));
  });
  return { url, file, process: process_ };
}

/** Applies the demo's migrations and inserts `count` links. */
export async function migrateAndSeed(url: string, migrations: string, count: number) {
  const { target, close } = await openLibsql(url);
  await migrate(target, migrations);
  await close();
  const client = createClient({ url });
  const rows = seedRows(count);
  for (let i = 0; i < rows.length; i += 200) {
    await client.batch(
      rows.slice(i, i + 200).map((args) => ({
        sql: INSERT_LINK,
        args,
      })),
      "write",
    );
  }
  client.close();
}
