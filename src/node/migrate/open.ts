/** Opens a migration target from Node (the CLI, tests, scripts); never bundled into a Worker. */
import { dirname, join, resolve } from "node:path";
import { createClient } from "@libsql/client";
import { d1Target, libsqlTarget, type MigrationTarget } from "./target.ts";

export interface OpenTarget {
  target: MigrationTarget;
  close(): Promise<void>;
}

export interface LocalD1Options {
  /** wrangler.toml (or .jsonc) of the app (default ./wrangler.toml). */
  configPath?: string;
  /** The D1 binding to migrate (default DB). */
  binding?: string;
  /** As wrangler's `--persist-to` (default: .wrangler/state beside the config, as `wrangler dev`). */
  persistTo?: string;
  environment?: string;
}

/**
 * A libSQL database at `url` (Turso, sqld, the local libSQL server). `url` may list several
 * endpoints of one database, comma-separated, as DATABASE_URL does for a mirrored database
 * (`nimbus db cluster up` prints such a list): the first one that answers is used.
 */
export async function openLibsql(url: string, authToken?: string): Promise<OpenTarget> {
  const urls = url.split(/[\s,]+/).filter(Boolean);
  if (urls.length < 2) return openClient(urls[0] ?? url, authToken);
  const failures: string[] = [];
  for (const endpoint of urls) {
    const opened = openClient(endpoint, authToken);
    try {
      await opened.target.query("SELECT 1");
      return opened;
    } catch (error) {
      await opened.close();
      failures.push(`${endpoint}: ${error instanceof Error ? error.message : error}`);
    }
  }
  throw new Error(`no endpoint of DATABASE_URL answered (${failures.join("; ")})`);
}

function openClient(url: string, authToken?: string): OpenTarget {
  const client = createClient({ url, authToken });
  return {
    target: libsqlTarget(client, `libSQL ${url}`),
    close: async () => client.close(),
  };
}

/** The local D1 database of a wrangler project, through wrangler's getPlatformProxy(). */
export async function openLocalD1(options: LocalD1Options = {}): Promise<OpenTarget> {
  const { getPlatformProxy } = await import("wrangler");
  const binding = options.binding ?? "DB";
  const configPath = resolve(options.configPath ?? "wrangler.toml");
  const proxy = await getPlatformProxy<Record<string, unknown>>({
    configPath,
    ...(options.environment ? { environment: options.environment } : {}),
    // getPlatformProxy wants the "v3" folder inside what wrangler's --persist-to names.
    persist: {
      path: join(resolve(options.persistTo ?? join(dirname(configPath), ".wrangler/state")), "v3"),
    },
  });
  const database = proxy.env[binding] as D1Database | undefined;
  if (!database) {
    await proxy.dispose();
    throw new Error(
      `No D1 binding "${binding}" in ${configPath}. Add [[d1_databases]] with binding = "${binding}", or set DATABASE_URL to migrate a libSQL database.`,
    );
  }
  return { target: d1Target(database, `local D1 ${binding}`), close: () => proxy.dispose() };
}

/** The database the configuration names: libSQL when `databaseUrl` is set, else local D1. */
export function openMigrationTarget(
  options: LocalD1Options & { databaseUrl?: string; authToken?: string } = {},
): Promise<OpenTarget> {
  return options.databaseUrl
    ? openLibsql(options.databaseUrl, options.authToken)
    : openLocalD1(options);
}
