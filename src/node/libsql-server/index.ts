/**
 * Nimbus's local libSQL server: sqld's HTTP protocol (Hrana over HTTP, JSON, v2 and v3) on the
 * libSQL engine, for machines where no sqld binary can be installed. The unmodified
 * @libsql/client (and @libsql/client/web) talks to it with an http: URL.
 * Own code because no sqld/libsql-server build is available from npm or Debian.
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { LockWaiters } from "./busy.ts";
import { Connection, type Synchronous } from "./connection.ts";
import { createHranaHttpServer } from "./http.ts";
import { HranaHandler } from "./pipeline.ts";
import { ConnectionPool } from "./pool.ts";
import { StreamRegistry } from "./stream.ts";

export type { Synchronous } from "./connection.ts";

export type LibsqlServerOptions = {
  /** Path of the database file; created (with its folder) if missing. */
  file: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 to serve other machines. */
  host?: string;
  /** Bearer token required on every Hrana request. Default: none (open). */
  authToken?: string | undefined;
  /**
   * PRAGMA synchronous for every connection. FULL (default): a commit is on disk when the
   * client hears of it. NORMAL: faster; in WAL mode a power loss may drop the last commits but
   * never corrupts the database.
   */
  synchronous?: Synchronous;
  /** How long a statement waits for another transaction's write lock. Default 10 000 ms. */
  busyTimeoutMs?: number;
  /** Idle time after which a stream is dropped. Default 10 s, as sqld. */
  streamIdleTimeoutMs?: number;
  /**
   * Idle time after which a stream holding an open transaction is dropped and the transaction
   * rolled back. Must be shorter than busyTimeoutMs, so that a client that went away in the
   * middle of a transaction never makes other writers fail. Default: the smaller of
   * streamIdleTimeoutMs and half of busyTimeoutMs.
   */
  transactionIdleTimeoutMs?: number;
  /** Largest accepted request body. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Where unexpected internal errors are reported. Default: console.error. */
  onError?: (err: unknown) => void;
};

export type LibsqlServer = {
  /** Base URL for @libsql/client, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** Absolute path of the database file. */
  file: string;
  /** Stops listening, rolls back open streams' transactions and closes every connection. */
  close(): Promise<void>;
};

const SYNCHRONOUS: readonly Synchronous[] = ["FULL", "NORMAL", "EXTRA", "OFF"];
const VERSION = "nimbus-libsql-server 0.1.0 (Hrana over HTTP 2/3, JSON; libsql engine)";

/** Starts the server; resolves once it is listening. */
export async function startLibsqlServer(options: LibsqlServerOptions): Promise<LibsqlServer> {
  const synchronous = (options.synchronous ?? "FULL").toUpperCase() as Synchronous;
  if (!SYNCHRONOUS.includes(synchronous)) {
    throw new Error(
      `Invalid synchronous mode ${JSON.stringify(options.synchronous)}: use ${SYNCHRONOUS.join(", ")}`,
    );
  }
  if (!options.file || options.file === ":memory:" || options.file.startsWith("file::memory:")) {
    throw new Error(
      "The libSQL server needs a database file (every stream opens its own connection to it); " +
        "pass a path such as .nimbus/dev.db",
    );
  }
  const file = resolve(options.file);
  mkdirSync(dirname(file), { recursive: true });

  // WAL is a property of the file: set it once; readers then never wait for writers.
  const setup = new Connection({ file, synchronous });
  try {
    const mode = (setup.prepare("PRAGMA journal_mode = WAL").all() as unknown[][])[0]?.[0];
    if (String(mode).toLowerCase() !== "wal") {
      throw new Error(`Could not switch ${file} to WAL journal mode (got ${mode})`);
    }
  } finally {
    setup.close();
  }

  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  const streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? 10_000;
  const transactionIdleTimeoutMs =
    options.transactionIdleTimeoutMs ?? Math.min(streamIdleTimeoutMs, busyTimeoutMs / 2);
  if (transactionIdleTimeoutMs >= busyTimeoutMs) {
    throw new Error(
      `transactionIdleTimeoutMs (${transactionIdleTimeoutMs}) must be shorter than busyTimeoutMs (${busyTimeoutMs}): ` +
        "an abandoned transaction would otherwise make waiting writers fail",
    );
  }

  const waiters = new LockWaiters();
  const pool = new ConnectionPool({ file, synchronous });
  const streams = new StreamRegistry({
    pool,
    waiters,
    idleTimeoutMs: streamIdleTimeoutMs,
    transactionIdleTimeoutMs,
  });
  const handler = new HranaHandler({
    streams,
    waiters,
    busyTimeoutMs,
  });
  const server = createHranaHttpServer({
    handler,
    authToken: options.authToken || undefined,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    version: VERSION,
    onError: options.onError ?? ((err) => console.error("libsql-server:", err)),
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${port}`,
    port,
    file,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }).then(() => {
        streams.closeAll();
        pool.close();
      });
      return closing;
    },
  };
}
