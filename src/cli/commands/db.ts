import type { KeyObject } from "node:crypto";
import { dqliteEngine } from "../../node/dqlite/hrana.ts";
import { loadJwtKey } from "../../node/libsql-server/auth.ts";
import { startHranaServer, startLibsqlServer } from "../../node/libsql-server/index.ts";
import { defineCommand } from "../command.ts";
import { migrate, withDatabase } from "../db/engine.ts";
import { seed } from "../db/seed.ts";
import { UsageError } from "../errors.ts";
import { say, step } from "../progress.ts";
import { findProject } from "../project.ts";
import { dbCluster, dbNode } from "./db-cluster.ts";

const SUBCOMMANDS = [
  "migrate",
  "status",
  "seed",
  "reset",
  "sql",
  "serve",
  "cluster",
  "node",
] as const;

/** How `db serve` authenticates clients: none (loopback only), a static token, or sqld's JWTs. */
type ServeAuth = { authToken?: string | undefined; authJwtKey?: KeyObject | undefined };

function serveAuth(flags: { "auth-token"?: string; "auth-jwt-key-file"?: string }): ServeAuth {
  // DATABASE_AUTH_TOKEN last: on an exported cluster one secrets.env gives the nodes the token
  // they present and the database the token it accepts.
  const authToken =
    flags["auth-token"] ?? process.env.NIMBUS_DB_AUTH_TOKEN ?? process.env.DATABASE_AUTH_TOKEN;
  const keyFile = flags["auth-jwt-key-file"];
  let authJwtKey: KeyObject | undefined;
  if (keyFile !== undefined) {
    try {
      authJwtKey = loadJwtKey(keyFile);
    } catch (err) {
      throw new UsageError(
        `--auth-jwt-key-file ${keyFile}: ${err instanceof Error ? err.message : err}`,
      );
    }
  }
  return { authToken: authToken || undefined, authJwtKey };
}

/**
 * `db serve`: the framework's libSQL server (Node side, src/node/libsql-server) on a local file,
 * or with `dqlite` (a nimbus-dqlite node's socket) in front of the mirrored database.
 */
async function serve(
  port: number,
  file: string,
  host: string | undefined,
  dqlite: string | undefined,
  auth: ServeAuth,
): Promise<void> {
  const started = dqlite
    ? startHranaServer({ port, host, ...auth, engine: await dqliteEngine({ socket: dqlite }) })
    : startLibsqlServer({ port, file, host, ...auth });
  const server = await started.catch((err: unknown) => {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  });
  const storage = dqlite ? `mirrored database via ${dqlite}` : `file ${file}`;
  say(
    `libSQL server on ${server.url} (${storage}). DATABASE_URL=${server.url} points an app at it. Ctrl-C stops it.`,
  );
  say(
    server.authenticated
      ? "Clients need a token: DATABASE_AUTH_TOKEN=<token> in the app's config."
      : "No authentication: listening on loopback only (--auth-jwt-key-file or --auth-token to serve other machines with --host).",
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
}

export const dbCommand = defineCommand({
  name: "db",
  summary: "Migrate, inspect, seed, reset or query the database",
  usage: 'nimbus db <migrate|status|seed|reset|sql "<SQL>"|serve|cluster|node> [options]',
  description: [
    "migrate   apply the pending migrations in migrations/",
    "status    list applied and pending migrations",
    "seed      run src/seed.sql (the app folder's seed.sql)",
    "reset     drop every table, migrate, and seed",
    'sql       run SQL and print the rows: nimbus db sql "SELECT * FROM posts"',
    "serve     start the local libSQL server (--port, --file; --host with --auth-jwt-key-file or --auth-token)",
    "cluster   up|down|status: a mirrored database on this machine (--nodes 3): dqlite nodes",
    "          (Raft: a write is acknowledged once a majority holds it), each with a libSQL URL",
    "node      one dqlite member for a process manager: nimbus db node -- --dir D --address H:P;",
    "          `nimbus db node install` builds it into /usr/local/bin/nimbus-dqlite (exported units run it)",
    "",
    "The database is the local D1 of wrangler.toml's first [[d1_databases]] (Miniflare's SQLite",
    "under .wrangler/), the Cloudflare one with --remote, or libSQL when DATABASE_URL is set.",
  ].join("\n"),
  options: {
    nodes: {
      type: "string",
      placeholder: "n",
      description: "cluster up: number of nodes (default 3)",
    },
    dir: {
      type: "string",
      placeholder: "path",
      description: "cluster: data, logs and state folder (default .nimbus/db-cluster)",
    },
    remote: { type: "boolean", description: "The Cloudflare D1 database instead of the local one" },
    port: { type: "string", placeholder: "port", description: "serve: TCP port (default 8080)" },
    file: {
      type: "string",
      placeholder: "path",
      description: "serve: database file (default .nimbus/dev.db)",
    },
    host: {
      type: "string",
      placeholder: "address",
      description: "serve, cluster up: interface to listen on (default 127.0.0.1)",
    },
    dqlite: {
      type: "string",
      placeholder: "socket",
      description: "serve: the mirrored database through this nimbus-dqlite node's socket",
    },
    "auth-jwt-key-file": {
      type: "string",
      placeholder: "path",
      description:
        "serve: accept JWTs signed by this Ed25519 public key (PEM or URL-safe base64), as sqld",
    },
    "auth-token": {
      type: "string",
      placeholder: "token",
      description:
        "serve: accept this static bearer token (or set NIMBUS_DB_AUTH_TOKEN, else DATABASE_AUTH_TOKEN)",
    },
  },
  examples: [
    "npx nimbus db migrate",
    'npx nimbus db sql "SELECT count(*) FROM posts"',
    "npx nimbus db cluster up --nodes 3",
    "npx nimbus db reset",
  ],
  async run(positionals, flags) {
    const [sub, ...rest] = positionals;
    if (sub === "cluster") {
      return dbCluster(rest[0], { nodes: flags.nodes, dir: flags.dir, host: flags.host });
    }
    if (sub === "node") return dbNode(rest);
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(
        sub ? `Unknown db command "${sub}".` : "db needs a command.",
        `db commands: ${SUBCOMMANDS.join(", ")}.`,
      );
    }
    if (sub === "serve") {
      const port = Number(flags.port ?? "8080");
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${flags.port} is not a port number.`);
      return serve(
        port,
        flags.file ?? ".nimbus/dev.db",
        flags.host,
        flags.dqlite,
        serveAuth(flags),
      );
    }
    const project = findProject();
    if (sub === "reset" && flags.remote)
      throw new UsageError("db reset works on local databases only: it drops every table.");
    if (sub === "sql" && rest.join(" ").trim() === "") {
      throw new UsageError(
        "db sql needs SQL.",
        'Example: npx nimbus db sql "SELECT * FROM posts LIMIT 5"',
      );
    }
    await withDatabase(project, { remote: flags.remote === true }, async (database) => {
      switch (sub) {
        case "migrate":
          return migrate(database);
        case "status":
          return database.status();
        case "seed":
          return seed(project, database, true);
        case "sql": {
          const rows = await database.query(rest.join(" "));
          if (rows.length === 0) say("(no rows)");
          else console.table(rows);
          return;
        }
        case "reset": {
          const dropped = await step(`Dropping the tables of ${database.label}`, () =>
            database.dropAll(),
          );
          if (dropped.length > 0) say(`  dropped ${dropped.join(", ")}`);
          await migrate(database);
          return seed(project, database, true);
        }
      }
    });
  },
});
