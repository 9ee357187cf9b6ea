/**
 * Group commit for one-shot writes. With synchronous=FULL every commit waits for an fsync (about
 * 2 ms on this project's machines), and SQLite commits one writer at a time: single-statement
 * writes from many clients used to queue for the write lock, one fsync each. Here a write that is
 * the last statement of its stream (@libsql/client's execute: execute + close in one request)
 * joins the writes waiting at that moment; they run on one connection in one transaction, each
 * inside its own savepoint (a failing statement is undone alone, as in autocommit), and one
 * COMMIT — one fsync — makes them all durable before any of them is acknowledged.
 *
 * Whatever makes a group unusual is retried the plain way: when a statement takes the whole
 * transaction down with it (an interrupt, a trigger's RAISE(ROLLBACK)) or the COMMIT fails
 * (deferred foreign keys, I/O), nothing of the group was committed or acknowledged, and each
 * statement runs again alone, in autocommit, in the order the clients sent them.
 */
import type { Statement } from "../../nimbus/db/sql-text.ts";
import { type LockWaiters, retryWhileBusy } from "./busy.ts";
import type { EngineResult } from "./engine.ts";
import { toStmtError } from "./errors.ts";
import type { ConnectionPool } from "./pool.ts";
import type { ServerConnection, StepLimits } from "./server-connection.ts";

/** Runs one analysed statement on a connection (local-engine.ts runOnce). */
export type RunStatement = (
  conn: ServerConnection,
  st: Statement,
  values: unknown[],
  wantRows: boolean,
  limits: StepLimits,
) => Promise<EngineResult>;

type Job = {
  st: Statement;
  values: unknown[];
  wantRows: boolean;
  limits: StepLimits;
  resolve(result: EngineResult): void;
  reject(error: unknown): void;
};

/** Most writes committed together. */
const MAX_GROUP = 64;
const SAVEPOINT = "nimbus_group_write";

export class WriteGroup {
  readonly #pool: ConnectionPool;
  readonly #waiters: LockWaiters;
  readonly #busyTimeoutMs: number;
  readonly #run: RunStatement;
  /** Transactions that committed more than one write, and the writes they held. */
  readonly stats = { groups: 0, writes: 0 };
  #queue: Job[] = [];
  #draining = false;
  #conn: ServerConnection | undefined;

  constructor(
    pool: ConnectionPool,
    waiters: LockWaiters,
    busyTimeoutMs: number,
    run: RunStatement,
  ) {
    this.#pool = pool;
    this.#waiters = waiters;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#run = run;
  }

  /** Runs a write statement as soon as possible, committed (durably) when the promise resolves. */
  submit(
    st: Statement,
    values: unknown[],
    wantRows: boolean,
    limits: StepLimits,
  ): Promise<EngineResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ st, values, wantRows, limits, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  /** Closes the group's connection (the server is stopping; nothing is queued by then). */
  close(): void {
    this.#conn?.close();
    this.#conn = undefined;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, MAX_GROUP);
        try {
          if (group.length === 1) await this.#alone(group[0] as Job);
          else await this.#together(group);
        } catch (err) {
          // the connection failed outside any statement: nothing of this group was acknowledged
          for (const job of group) job.reject(toStmtError(err, false));
          this.#dropConnection();
        } finally {
          this.#waiters.notify();
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #connection(): Promise<ServerConnection> {
    this.#conn ??= await this.#pool.acquire();
    return this.#conn;
  }

  #dropConnection(): void {
    this.#conn?.close();
    this.#conn = undefined;
  }

  /** One statement in autocommit, waiting for the write lock as any statement does. */
  async #alone(job: Job): Promise<void> {
    const conn = await this.#connection();
    try {
      job.resolve(
        await retryWhileBusy(
          () => this.#run(conn, job.st, job.values, job.wantRows, job.limits),
          this.#waiters,
          this.#busyTimeoutMs,
        ),
      );
    } catch (err) {
      job.reject(toStmtError(err, false));
    }
    if (!conn.autocommit || conn.broken) {
      await conn.rollback();
      this.#dropConnection();
    }
  }

  async #together(group: Job[]): Promise<void> {
    const conn = await this.#connection();
    try {
      await retryWhileBusy(
        () => conn.control("BEGIN IMMEDIATE"),
        this.#waiters,
        this.#busyTimeoutMs,
      );
    } catch (err) {
      for (const job of group) job.reject(toStmtError(err, false));
      return;
    }
    const results: (EngineResult | { error: unknown })[] = [];
    let lostAt = -1;
    for (const [i, job] of group.entries()) {
      await conn.control(`SAVEPOINT ${SAVEPOINT}`);
      try {
        results.push(await this.#run(conn, job.st, job.values, job.wantRows, job.limits));
        await conn.control(`RELEASE ${SAVEPOINT}`);
      } catch (err) {
        results.push({ error: err });
        if (conn.autocommit) {
          lostAt = i;
          break;
        }
        await conn.control(`ROLLBACK TO ${SAVEPOINT}`);
        await conn.control(`RELEASE ${SAVEPOINT}`);
      }
    }
    if (lostAt >= 0) {
      // The statement at lostAt ended the transaction: its own failure stands (it failed as it
      // would alone, after the writes before it); every other write runs again alone.
      const lost = group[lostAt] as Job;
      for (const job of group) {
        if (job === lost)
          job.reject(toStmtError((results[lostAt] as { error: unknown }).error, false));
        else await this.#alone(job);
      }
      return;
    }
    try {
      await conn.control("COMMIT");
    } catch {
      await conn.rollback();
      for (const job of group) await this.#alone(job);
      return;
    }
    this.stats.groups++;
    this.stats.writes += group.length;
    for (const [i, job] of group.entries()) {
      const result = results[i] as EngineResult | { error: unknown };
      if ("error" in result) job.reject(toStmtError(result.error, false));
      else job.resolve(result);
    }
  }
}
