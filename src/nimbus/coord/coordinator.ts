import { DurableObject } from "cloudflare:workers";
import type { CoordBindings } from "./bindings.ts";
import { once } from "./calls.ts";
import { incrementCounter, readCounter } from "./counter.ts";
import { addDeadLetter, type DeadLetter, deadLetterStub, listDeadLetters } from "./dead-letters.ts";
import { insertJob, type JobRecord, jobRunAt, runJob } from "./jobs.ts";
import { type AcquireResult, acquireLock, extendLock, releaseLock } from "./lock.ts";
import {
  hitRateLimit,
  type RateLimitResult,
  rateLimitIdleAt,
  sweepRateLimit,
} from "./rate-limit.ts";
import { endSession, readSession, sessionExpiresAt, writeSession } from "./session-store.ts";
import { Store } from "./store.ts";
import { TagVersionBook } from "./tag-versions.ts";
import { REMOTE_METHODS } from "./transport.ts";
import {
  addUserSession,
  ENDED_SESSION_MS,
  sweepUserSessions,
  takeUserSessions,
} from "./user-sessions.ts";

/**
 * The Durable Object behind counters, locks, rate limits, sessions, jobs and cache tag versions. One object
 * per key (`idFromName("counter:votes:1")`), SQLite-backed. Each method's storage work is
 * synchronous, so the object applies calls one at a time: that is what makes them exact.
 *
 * Bind it as `NIMBUS_COORDINATOR` and re-export it from your worker entry.
 */
export class NimbusCoordinator extends DurableObject<CoordBindings> {
  readonly #store: Store;
  /** nimbus/cache tag versions, when this object keeps a tag family's (in memory: see tag-versions.ts). */
  #tagVersions: TagVersionBook | undefined;

  constructor(ctx: DurableObjectState, env: CoordBindings) {
    super(ctx, env);
    this.#store = new Store(ctx.storage);
  }

  increment(by: number): number {
    return incrementCounter(this.#store, by);
  }

  count(): number {
    return readCounter(this.#store);
  }

  /** nimbus/cache: moves every tag of one write to a new version, in one call. */
  bumpTags(tags: string[]): number[] {
    this.#tagVersions ??= new TagVersionBook(this.#store);
    return this.#tagVersions.bump(tags);
  }

  /** nimbus/cache: the current versions of `tags`. */
  readTags(tags: string[]): number[] {
    this.#tagVersions ??= new TagVersionBook(this.#store);
    return this.#tagVersions.read(tags);
  }

  acquire(ttlMs: number): AcquireResult {
    return acquireLock(this.#store, ttlMs);
  }

  release(token: string): boolean {
    return releaseLock(this.#store, token);
  }

  extend(token: string, ttlMs: number): number {
    return extendLock(this.#store, token, ttlMs);
  }

  async hit(limit: number, windowMs: number): Promise<RateLimitResult> {
    const result = hitRateLimit(this.#store, limit, windowMs);
    if (result.allowed) await this.#wakeAt(Date.now() + windowMs);
    return result;
  }

  sessionGet(): string | null {
    return readSession(this.#store);
  }

  async sessionSet(json: string, ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    writeSession(this.#store, json, expiresAt);
    await this.#wakeAt(expiresAt);
  }

  async sessionDelete(): Promise<void> {
    await this.#store.wipe();
  }

  /** Revocation: the session reads as gone and refuses writes for a while, then deletes itself. */
  async sessionEnd(): Promise<void> {
    const until = Date.now() + ENDED_SESSION_MS;
    endSession(this.#store, until);
    await this.#wakeAt(until);
  }

  /** On a user's object: `id` is one of their sessions for `ttlMs`. */
  async userSessionAdd(id: string, ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    addUserSession(this.#store, id, expiresAt);
    await this.#wakeAt(expiresAt);
  }

  /** On a user's object: their session ids, forgotten as they are returned. */
  userSessionsTake(): string[] {
    return takeUserSessions(this.#store);
  }

  async enqueueJob(job: JobRecord): Promise<number> {
    const runAt = insertJob(this.#store, job);
    await this.#wakeAt(runAt);
    return runAt;
  }

  addDeadLetter(letter: DeadLetter): void {
    addDeadLetter(this.#store, letter);
  }

  deadLetters(limit: number): DeadLetter[] {
    return listDeadLetters(this.#store, limit);
  }

  /**
   * A write that came over the network (a cluster's coordination host): run at most once per
   * `callId`, so a node may retry it after a lost answer without counting it twice.
   */
  async onceCall(callId: string, method: string, args: unknown[]): Promise<unknown> {
    const effects: Record<string, string> = REMOTE_METHODS.coordinator;
    if (effects[method] !== "write") throw new TypeError(`not a coordinator write: ${method}`);
    const target = (this as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
    return await once(this.ctx.storage, callId, () => target?.apply(this, args));
  }

  /** Runs a due job, drops expired sessions and rate-limit hits, and deletes an idle object. */
  override async alarm(): Promise<void> {
    const store = this.#store;
    await runJob(store, this.env, async (letter) => {
      await deadLetterStub(this.env).addDeadLetter(letter);
    });
    readSession(store);
    sweepRateLimit(store);
    const userSessionsAt = sweepUserSessions(store);
    if (store.isEmpty()) return store.wipe();
    const next = [
      jobRunAt(store),
      sessionExpiresAt(store),
      rateLimitIdleAt(store),
      userSessionsAt,
    ].filter((t): t is number => t !== null);
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next));
  }

  // Sets the alarm, or moves it earlier; a sooner alarm reschedules itself when it wakes.
  async #wakeAt(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
