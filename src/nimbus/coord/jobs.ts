import { type CoordBindings, coordinatorStub, seconds } from "./bindings.ts";
import type { DeadLetter } from "./dead-letters.ts";
import type { Store } from "./store.ts";

// Jobs run on Durable Object alarms rather than Queues: alarms exist in self-hosted
// workerd too. Each job gets its own object (and alarm), so jobs never queue behind
// each other and a busy app spreads them across machines.

/** What a handler learns about the run it is in. */
export interface JobInfo {
  /** Stable across retries: use it as an idempotency key for external side effects. */
  id: string;
  name: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

/** A job handler: throw to fail the attempt (it is retried with exponential backoff). */
export type JobHandler<P, E> = (payload: P, env: E, job: JobInfo) => Promise<void> | void;

/** A registered job; pass it to `enqueue` to type-check the payload. */
export interface JobDefinition<P> {
  readonly name: string;
  /** Type-only: the payload the handler takes. */
  readonly payloadType?: P;
}

/** Options of `enqueue`. Times are in seconds. */
export interface EnqueueOptions {
  /** Run no sooner than this many seconds from now (default 0: right after the response). */
  delay?: number;
  /** Runs before the job is dead-lettered (default 5). */
  maxAttempts?: number;
  /** First retry delay; it doubles after each failure, capped at an hour (default 2). */
  backoff?: number;
}

/** The stored form of a queued job, as sent to its object. */
export interface JobRecord {
  id: string;
  name: string;
  payload: string;
  delayMs: number;
  maxAttempts: number;
  backoffMs: number;
}

const handlers = new Map<string, JobHandler<unknown, unknown>>();

/**
 * Registers a job handler under `name`. Call it at module top level in a module your
 * worker entry imports, so that the object running the job (same bundle) knows it.
 */
export function defineJob<P = unknown, E = CoordBindings>(
  name: string,
  handler: JobHandler<P, E>,
): JobDefinition<P> {
  if (handlers.has(name) && handlers.get(name) !== handler) {
    throw new Error(`nimbus/coord: job "${name}" is defined twice; job names must be unique`);
  }
  handlers.set(name, handler as JobHandler<unknown, unknown>);
  return { name };
}

const JOBS = "nimbus_job";
const JOBS_DDL = `CREATE TABLE ${JOBS} (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL, backoff_ms REAL NOT NULL, run_at REAL NOT NULL, last_error TEXT)`;

type JobRow = {
  id: string;
  name: string;
  payload: string;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  run_at: number;
  last_error: string | null;
};

/** Object side: store the job; returns when it should run. */
export function insertJob(store: Store, job: JobRecord, now = Date.now()): number {
  store.ensure(JOBS, JOBS_DDL);
  const runAt = now + job.delayMs;
  store.sql.exec(
    `INSERT INTO ${JOBS} (id, name, payload, attempts, max_attempts, backoff_ms, run_at)
     VALUES (?, ?, ?, 0, ?, ?, ?)`,
    job.id,
    job.name,
    job.payload,
    job.maxAttempts,
    job.backoffMs,
    runAt,
  );
  return runAt;
}

/** Object side: when the pending job is due, or null if none is pending. */
export function jobRunAt(store: Store): number | null {
  if (!store.has(JOBS)) return null;
  return store.sql.exec<{ at: number | null }>(`SELECT min(run_at) AS at FROM ${JOBS}`).one().at;
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Object side: runs the pending job once. The attempt is counted before the handler runs,
 * so a run that crashes the object still counts towards `maxAttempts`.
 */
export async function runJob(
  store: Store,
  env: unknown,
  deadLetter: (letter: DeadLetter) => Promise<void>,
): Promise<void> {
  if (!store.has(JOBS)) return;
  const { sql } = store;
  const job = sql.exec<JobRow>(`SELECT * FROM ${JOBS} ORDER BY run_at LIMIT 1`).toArray()[0];
  if (!job) return;
  const bury = async (attempts: number, error: string) => {
    await deadLetter({
      id: job.id,
      name: job.name,
      payload: JSON.parse(job.payload),
      attempts,
      error,
      failedAt: Date.now(),
    });
    sql.exec(`DELETE FROM ${JOBS} WHERE id = ?`, job.id);
  };
  if (job.attempts >= job.max_attempts) return bury(job.attempts, job.last_error ?? "crashed");
  const handler = handlers.get(job.name);
  if (!handler) {
    const known = [...handlers.keys()].join(", ") || "none";
    return bury(
      job.attempts,
      `no handler for job "${job.name}" (known: ${known}); defineJob() it in a module the worker entry imports`,
    );
  }
  const attempt = job.attempts + 1;
  sql.exec(`UPDATE ${JOBS} SET attempts = ?, last_error = 'crashed' WHERE id = ?`, attempt, job.id);
  try {
    const info = { id: job.id, name: job.name, attempt, maxAttempts: job.max_attempts };
    await handler(JSON.parse(job.payload), env, info);
  } catch (error) {
    const delay = Math.min(job.backoff_ms * 2 ** (attempt - 1), 3_600_000);
    sql.exec(
      `UPDATE ${JOBS} SET run_at = ?, last_error = ? WHERE id = ?`,
      Date.now() + delay,
      message(error),
      job.id,
    );
    if (attempt >= job.max_attempts) await bury(attempt, message(error));
    return;
  }
  sql.exec(`DELETE FROM ${JOBS} WHERE id = ?`, job.id);
}

/** The object that runs job `id`: one per job, so jobs never wait behind each other. */
const jobStub = (env: CoordBindings, id: string) => coordinatorStub(env, "job", id);

/** A queued job. */
export interface JobRef {
  id: string;
  /** Epoch milliseconds of the first run. */
  runAt: number;
}

export async function enqueue<P>(
  env: CoordBindings,
  job: JobDefinition<P> | string,
  payload: P,
  { delay = 0, maxAttempts = 5, backoff = 2 }: EnqueueOptions = {},
): Promise<JobRef> {
  const name = typeof job === "string" ? job : job.name;
  if (!handlers.has(name)) {
    throw new Error(
      `nimbus/coord: unknown job "${name}"; register it with defineJob("${name}", handler) at module top level`,
    );
  }
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(
      `nimbus/coord: maxAttempts must be a positive integer, got ${maxAttempts}`,
    );
  }
  const json = JSON.stringify(payload ?? null);
  const id = crypto.randomUUID();
  const runAt = await jobStub(env, id).enqueueJob({
    id,
    name,
    payload: json,
    delayMs: seconds("job delay", delay, { allowZero: true }),
    maxAttempts,
    backoffMs: seconds("job backoff", backoff, { allowZero: true }),
  });
  return { id, runAt };
}
