import type { Context } from "hono";
import type { KeepAlive } from "./bump-batches.ts";
import type { CacheRuntime, Defer } from "./runtime.ts";

/** A write the database handle saw: which table, and which rows when the statement said so. */
export interface WriteEvent {
  table: string;
  kind: "insert" | "update" | "delete";
  /** The ids of the rows written, when the statement returned them; null when unknown. */
  ids: readonly (string | number)[] | null;
}

/** The tags a write invalidates: the table's, each row's, or every row's (`links:*`) when unknown. */
export function tagsOfWrite(write: WriteEvent): string[] {
  const tags = [write.table];
  if (write.ids) for (const id of write.ids) tags.push(`${write.table}:${id}`);
  // A new row has no cached page yet; a change to rows we can't name reaches all of them.
  else if (write.kind !== "insert") tags.push(`${write.table}:*`);
  return tags;
}

/**
 * Turns the database handle's writes into tag bumps: at once, or for a transaction at its
 * commit. A failed bump is logged, never thrown: the write has happened and can't be taken back,
 * so entries of those tags live out their ttl.
 */
export abstract class WriteTracker {
  readonly #held: string[][] = [];
  #transactions = 0;

  /** Bumps `tags` everywhere; resolves when every node will see it within versionsMaxAgeMs. */
  abstract invalidate(tags: Iterable<string>): Promise<void>;

  /** Called by the database handle after a write committed (or, inside a transaction, at its commit). */
  async wrote(write: WriteEvent): Promise<void> {
    const tags = tagsOfWrite(write);
    if (this.#transactions > 0) this.#held.push(tags);
    else await this.#bump(tags);
  }

  /** A transaction began: its writes invalidate when it commits, not before. */
  begin(): void {
    this.#transactions += 1;
  }

  /** A transaction ended; on commit of the outermost one, its writes invalidate. */
  async end(committed: boolean): Promise<void> {
    this.#transactions -= 1;
    if (this.#transactions > 0) return;
    const held = this.#held.splice(0).flat();
    if (committed && held.length > 0) await this.#bump(held);
  }

  async #bump(tags: string[]): Promise<void> {
    try {
      await this.invalidate(tags);
    } catch (error) {
      logFailure(`invalidate ${tags.join(", ")}`, error);
    }
  }
}

/** The cache as one request sees it (`c.var.cache`). */
export class RequestCache extends WriteTracker implements KeepAlive {
  constructor(
    readonly runtime: CacheRuntime,
    readonly c: Context,
    /** The consistency token the request's database reads and writes have reached. */
    readonly dbToken: () => string | undefined,
  ) {
    super();
  }

  /**
   * Runs a task after the response when the runtime can, else now (tests without an
   * ExecutionContext). Made when asked for (a store), not for every request.
   */
  get defer(): Defer {
    return (task) =>
      this.keepAlive(task.catch((error: unknown) => logFailure("cache store", error)));
  }

  /**
   * Keeps work going past this request's end (or its client going away): a store, or a bump
   * batch or tag-version read this request sent for other requests of the isolate too.
   */
  keepAlive(work: Promise<unknown>): void {
    try {
      this.c.executionCtx.waitUntil(work);
    } catch {
      // No ExecutionContext (tests): the work runs on, unawaited.
    }
  }

  async invalidate(tags: Iterable<string>): Promise<void> {
    await this.runtime.versions(this.c.env).bump(this.c.env, tags, this);
  }
}

export function logFailure(what: string, error: unknown): void {
  console.error(
    JSON.stringify({
      level: "error",
      msg: `nimbus/cache: ${what} failed`,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
}
