/**
 * Runs Nimbus's local libSQL server (sqld's HTTP protocol) until SIGINT/SIGTERM.
 *   node scripts/libsql-server.ts --port 8080 --file .nimbus/dev.db
 */
import type { KeyObject } from "node:crypto";
import { parseArgs } from "node:util";
import { loadJwtKey } from "../src/node/libsql-server/auth.ts";
import { type Synchronous, startLibsqlServer } from "../src/node/libsql-server/index.ts";

const HELP = `Usage: node scripts/libsql-server.ts [options]

Serves a SQLite/libSQL database file over sqld's HTTP protocol (Hrana over HTTP), so that
@libsql/client and drizzle can use it with an http:// URL.

Options:
  --file <path>          database file, created if missing    (default: .nimbus/libsql.db)
  --port <n>             TCP port, 0 picks a free one          (default: 8080)
  --host <addr>          interface to listen on                (default: 127.0.0.1)
                         anything but loopback needs --auth-token or --auth-jwt-key-file
  --auth-token <token>   accept "Authorization: Bearer <token>"
                         (or set NIMBUS_LIBSQL_AUTH_TOKEN)
  --auth-jwt-key-file <path>
                         accept JWTs signed by this Ed25519 public key (PEM or
                         URL-safe base64), as sqld's --auth-jwt-key-file
  --synchronous <mode>   FULL (default, every commit on disk) or NORMAL (faster, WAL-safe)
  -h, --help             show this help
`;

function fail(message: string): never {
  process.stderr.write(`libsql-server: ${message}\n\n${HELP}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        file: { type: "string", default: ".nimbus/libsql.db" },
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        "auth-token": { type: "string" },
        "auth-jwt-key-file": { type: "string" },
        synchronous: { type: "string", default: "FULL" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

const values = parse();
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);

let authJwtKey: KeyObject | undefined;
try {
  const keyFile = values["auth-jwt-key-file"];
  authJwtKey = keyFile === undefined ? undefined : loadJwtKey(keyFile);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const server = await startLibsqlServer({
  authJwtKey,
  file: values.file,
  port,
  host: values.host,
  authToken: values["auth-token"] ?? process.env.NIMBUS_LIBSQL_AUTH_TOKEN,
  synchronous: values.synchronous.toUpperCase() as Synchronous,
}).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

process.stdout.write(`${server.url}\n`);
process.stderr.write(
  `libSQL server ready at ${server.url} (database ${server.file}, synchronous=${values.synchronous.toUpperCase()}, ${server.authenticated ? "token required" : "no auth: loopback only"})\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`libSQL server: ${signal}, stopping\n`);
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`libSQL server: error while stopping: ${err}\n`);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
