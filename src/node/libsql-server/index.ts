/**
 * Nimbus's libSQL server: sqld's HTTP protocol (Hrana over HTTP, JSON, v2 and v3), for
 * machines where no sqld binary can be installed. The unmodified @libsql/client (and
 * @libsql/client/web) talks to it with an http: URL. Own code because no sqld/libsql-server
 * build is available from npm or Debian.
 * The protocol is implemented once over a StorageEngine (engine.ts): startLibsqlServer serves
 * a local libsql file; startHranaServer serves any engine (the mirrored dqlite cluster).
 */
import type { KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { authRequired, parseJwtKey } from "./auth.ts";
import type { Synchronous } from "./connection.ts";
import type { StorageEngine } from "./engine.ts";
import { checkOrigin, createHranaHttpServer, isLoopbackName } from "./http.ts";
import { LocalFileEngine } from "./local-engine.ts";
import { HranaHandler } from "./pipeline.ts";
import { StreamRegistry } from "./stream.ts";
import { attachHranaWebSocket } from "./ws.ts";

export type { Synchronous } from "./connection.ts";
export type { EngineResult, EngineSession, ExecuteOptions, StorageEngine } from "./engine.ts";
export { LocalFileEngine } from "./local-engine.ts";

/** Options of the protocol front, whatever engine stores the data. */
export type HranaServerOptions = {
  /** Where the data lives: a local file (LocalFileEngine) or another StorageEngine. */
  engine: StorageEngine;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Interface to listen on. Default 127.0.0.1. Without auth only a loopback address is
   * accepted: an open database must not be reachable from other machines.
   */
  host?: string;
  /** Static bearer token accepted on every Hrana request. */
  authToken?: string | undefined;
  /**
   * Ed25519 public key verifying JWT bearer tokens, as sqld's --auth-jwt-key-file: a KeyObject,
   * or its text (PEM, or the raw 32 bytes in URL-safe base64). With authToken, either is accepted.
   */
  authJwtKey?: KeyObject | string | undefined;
  /** Host names accepted besides loopback ones when there is no auth (e.g. a container name). */
  allowedHosts?: readonly string[];
  /** Web page origins allowed to call the server; default none (requests with Origin: 403). */
  allowedOrigins?: readonly string[];
  /** Idle time after which a stream is dropped. Default 10 s, as sqld. */
  streamIdleTimeoutMs?: number;
  /**
   * Idle time after which a stream holding an open transaction is dropped (rolled back). Must
   * be shorter than the engine's busy timeout. Default: the smaller of streamIdleTimeoutMs and
   * half the engine's busyTimeoutMs (streamIdleTimeoutMs when the engine has none).
   */
  transactionIdleTimeoutMs?: number;
  /** Largest accepted request body. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Per-statement time limit: a longer statement is interrupted (SQLITE_INTERRUPT). Default 60 s. */
  statementTimeoutMs?: number;
  /** Most streams open at once; more get TOO_MANY_STREAMS. Default 128. */
  maxStreams?: number;
  /** Where unexpected internal errors are reported. Default: console.error. */
  onError?: (err: unknown) => void;
};

/** A running protocol front. */
export type HranaServer = {
  /** Base URL for @libsql/client, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** True when requests need a token (static or JWT). */
  authenticated: boolean;
  /** Stops listening, rolls back open streams' transactions and closes the engine. */
  close(): Promise<void>;
};

/** Options of the server on a local libsql file: the front's options, and the file's. */
export type LibsqlServerOptions = Omit<HranaServerOptions, "engine"> & {
  /** Path of the database file; created (with its folder) if missing. */
  file: string;
  /**
   * PRAGMA synchronous for every connection. FULL (default): a commit is on disk when the
   * client hears of it. NORMAL: faster; in WAL mode a power loss may drop the last commits but
   * never corrupts the database. Concurrent single-statement writes (@libsql/client's execute)
   * share one commit and its fsync (group-commit.ts), each still succeeding or failing alone.
   */
  synchronous?: Synchronous;
  /** How long a statement waits for another transaction's write lock. Default 10 000 ms. */
  busyTimeoutMs?: number;
  /**
   * Idle time after which a stream holding an open transaction is dropped and the transaction
   * rolled back. Must be shorter than busyTimeoutMs, so that a client that went away in the
   * middle of a transaction never makes other writers fail. Default: the smaller of
   * streamIdleTimeoutMs and half of busyTimeoutMs.
   */
  transactionIdleTimeoutMs?: number;
  /** A read whose rows exceed this (estimated JSON size) fails with RESPONSE_TOO_LARGE. Default 10 MiB. */
  maxResultBytes?: number;
};

/** The server on a local libsql file. */
export type LibsqlServer = HranaServer & {
  /** Absolute path of the database file. */
  file: string;
};

const VERSION = "nimbus-libsql-server 0.2.0 (Hrana over HTTP 2/3, JSON)";

/** Serves `options.engine` over sqld's protocol; resolves once listening. */
function idleTooLong(idleMs: number, busyMs: number): Error {
  return new Error(
    `transactionIdleTimeoutMs (${idleMs}) must be shorter than busyTimeoutMs (${busyMs}): ` +
      "an abandoned transaction would otherwise make waiting writers fail",
  );
}

export async function startHranaServer(options: HranaServerOptions): Promise<HranaServer> {
  const jwtKey = options.authJwtKey;
  const auth = {
    token: options.authToken || undefined,
    jwtKey: typeof jwtKey === "string" ? parseJwtKey(jwtKey) : jwtKey,
  };
  const host = options.host ?? "127.0.0.1";
  if (!authRequired(auth) && !isLoopbackName(host)) {
    throw new Error(
      `Refusing to listen on ${host} without authentication: anyone who can reach it could read and change the database. ` +
        "Pass an auth token or JWT key (nimbus db serve --auth-jwt-key-file F), or listen on 127.0.0.1.",
    );
  }
  const streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? 10_000;
  const busyMs = options.engine.busyTimeoutMs;
  const transactionIdleTimeoutMs =
    options.transactionIdleTimeoutMs ??
    (busyMs === undefined ? streamIdleTimeoutMs : Math.min(streamIdleTimeoutMs, busyMs / 2));
  if (busyMs !== undefined && transactionIdleTimeoutMs >= busyMs) {
    throw idleTooLong(transactionIdleTimeoutMs, busyMs);
  }
  const streams = new StreamRegistry({
    engine: options.engine,
    idleTimeoutMs: streamIdleTimeoutMs,
    transactionIdleTimeoutMs,
    maxStreams: options.maxStreams ?? 128,
  });
  const handler = new HranaHandler({
    streams,
    statementTimeLimitMs: options.statementTimeoutMs ?? 60_000,
  });
  const httpAllowedHosts = options.allowedHosts?.map((h) => h.toLowerCase());
  const server = createHranaHttpServer({
    handler,
    auth,
    allowedHosts: httpAllowedHosts,
    allowedOrigins: options.allowedOrigins,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    version: `${VERSION}; ${options.engine.description}`,
    onError: options.onError ?? ((err) => console.error("libsql-server:", err)),
  });
  const onError = options.onError ?? ((err: unknown) => console.error("libsql-server:", err));
  const closeWebSockets = attachHranaWebSocket(server, {
    streams,
    auth,
    maxMessageBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    statementTimeLimitMs: options.statementTimeoutMs ?? 60_000,
    transactionIdleTimeoutMs,
    checkRequest: (req) =>
      checkOrigin(
        { auth, allowedHosts: httpAllowedHosts, allowedOrigins: options.allowedOrigins },
        req,
      ),
    onError,
  });

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
    authenticated: authRequired(auth),
    close() {
      closing ??= closeWebSockets()
        .then(
          () =>
            new Promise<void>((resolveClose) => {
              server.close(() => resolveClose());
              server.closeAllConnections();
            }),
        )
        .then(() => streams.closeAll())
        .then(() => options.engine.close());
      return closing;
    },
  };
}

/** Starts the server on a local libsql file; resolves once it is listening. */
export async function startLibsqlServer(options: LibsqlServerOptions): Promise<LibsqlServer> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  const idle = options.transactionIdleTimeoutMs;
  if (idle !== undefined && idle >= busyTimeoutMs) throw idleTooLong(idle, busyTimeoutMs);
  const engine = new LocalFileEngine({
    file: options.file,
    synchronous: (options.synchronous ?? "FULL").toUpperCase() as Synchronous,
    busyTimeoutMs,
    maxResultBytes: options.maxResultBytes ?? 10 * 1024 * 1024,
  });
  const {
    file: _file,
    synchronous: _sync,
    busyTimeoutMs: _busy,
    maxResultBytes: _max,
    ...front
  } = options;
  const server = await startHranaServer({ ...front, engine }).catch(async (err: unknown) => {
    await engine.close();
    throw err;
  });
  return { ...server, file: engine.file };
}
