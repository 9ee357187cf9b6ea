/**
 * Client of one nimbus-dqlite node's local interface (HTTP with JSON on its Unix socket): open
 * a session, run statements on it (they run on the cluster's leader), close it.
 */
import { Agent, request } from "node:http";
import type { ProtoValue } from "../libsql-server/protocol.ts";

export type DqliteStatement = {
  sql: string;
  args?: ProtoValue[];
  /** true: run as a query and return rows. Never for a statement that writes (see README). */
  query?: boolean;
  /** true: only compile it (a syntax check); nothing runs. */
  prepare?: boolean;
};

export type DqliteResult = {
  columns: string[];
  rows: ProtoValue[][];
  rowsAffected: number;
  /** sqlite3_last_insert_rowid() after the statement, as a decimal string (64 bits). */
  lastInsertId: string;
};

/** SQLITE_* codes from the leader; UNAVAILABLE: the session lost the leader (it is gone). */
export type DqliteFailure = { code: string; message: string; index: number };

export type DqliteExecResponse = { results: DqliteResult[]; error?: DqliteFailure };

export type DqliteMember = { id: number; address: string; role: string };

export type DqliteClusterInfo = { self: string; leader: string; nodes: DqliteMember[] };

export type DqliteFile = { Name: string; Data: string };

/** The node's local socket could not be reached or answered nonsense. */
export class DqliteUnreachableError extends Error {
  override name = "DqliteUnreachableError";
}

export class DqliteApi {
  readonly socketPath: string;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  async openSession(): Promise<string> {
    const { status, body } = await this.#call("POST", "/session");
    const id = (body as { id?: unknown }).id;
    if (status !== 200 || typeof id !== "string") {
      throw new DqliteUnreachableError(
        `dqlite: no session (${(body as { message?: string }).message ?? status})`,
      );
    }
    return id;
  }

  async exec(session: string, statements: DqliteStatement[]): Promise<DqliteExecResponse> {
    const { body } = await this.#call("POST", `/session/${session}`, { statements });
    return body as DqliteExecResponse;
  }

  async closeSession(session: string, rollback: boolean): Promise<void> {
    await this.#call("DELETE", `/session/${session}${rollback ? "?rollback=1" : ""}`);
  }

  async cluster(): Promise<DqliteClusterInfo> {
    const { status, body } = await this.#call("GET", "/cluster");
    if (status !== 200) throw new DqliteUnreachableError(`dqlite: ${JSON.stringify(body)}`);
    return body as DqliteClusterInfo;
  }

  /** This node's own copy of the database files (base64). */
  async dump(): Promise<DqliteFile[]> {
    const { status, body } = await this.#call("GET", "/dump");
    if (status !== 200) throw new DqliteUnreachableError(`dqlite: ${JSON.stringify(body)}`);
    return body as DqliteFile[];
  }

  close(): void {
    this.#agent.destroy();
  }

  #call(
    method: string,
    path: string,
    payload?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const data = payload === undefined ? undefined : JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          path,
          method,
          agent: this.#agent,
          headers: data
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
            } catch {
              reject(new DqliteUnreachableError(`dqlite answered ${res.statusCode}: ${text}`));
            }
          });
          res.on("error", (err) => reject(new DqliteUnreachableError(err.message)));
        },
      );
      req.on("error", (err) =>
        reject(new DqliteUnreachableError(`dqlite node at ${this.socketPath}: ${err.message}`)),
      );
      req.end(data);
    });
  }
}
