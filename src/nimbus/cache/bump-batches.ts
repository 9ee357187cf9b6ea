/**
 * Group commit for tag bumps, per tag family: while a call to the family's object is in flight,
 * the bumps this isolate is asked for wait and then go together in the next call, one call for
 * all of them instead of one each. Under load most writes find a call in flight, so the object
 * (a Durable Object call each time: the largest part of what the cache adds to a write) is called
 * far less often than once per write (about one call per dozen creates in the bench).
 *
 * What each write still gets, as before: its bump is acknowledged by the object before its
 * promise resolves, and it is never carried by a call sent before it was asked for (such a call
 * may have reached the object before the write committed, and a reader in between would cache
 * the old rows under the new version). A failed call fails every bump it carried.
 *
 * The bump that opens a batch sends it, from its own request (workerd ties a call's I/O to the
 * request that made it); the others wait for that batch alone. Waking a promise of another
 * request costs workerd a hop into that request's context, so each bump waits on one promise of
 * another request, not two.
 */

/** Sends one batch's tags to the family's object; resolves with each tag's new version. */
export type SendBump = (tags: string[]) => Promise<Map<string, number>>;
/**
 * Keeps a request's work running after its response or a client that went away (waitUntil).
 * An object, not a closure: the request's cache is one, with no allocation per request.
 */
export interface KeepAlive {
  keepAlive(work: Promise<unknown>): void;
}

interface Batch {
  readonly tags: Set<string>;
  readonly done: Promise<Map<string, number>>;
}

export const ignore = (): void => {};

export class BumpBatches {
  /** Per family, the call in flight. */
  readonly #flying = new Map<string, Promise<unknown>>();
  /** Per family, the batch waiting for the call in flight to end. */
  readonly #waiting = new Map<string, Batch>();

  /**
   * Bumps `tags` (all of `family`) in the family's next call; resolves with the versions that
   * call handed out (for `tags` and the other tags it carried) once the object acknowledged it.
   * `keep` keeps a call this bump sends (and the wait before it) alive past its request: later
   * bumps wait for that call to land.
   */
  bump(
    family: string,
    tags: readonly string[],
    send: SendBump,
    keep?: KeepAlive,
  ): Promise<Map<string, number>> {
    const open = this.#waiting.get(family);
    if (open) {
      for (const tag of tags) open.tags.add(tag);
      return open.done;
    }
    const flying = this.#flying.get(family);
    if (!flying) {
      // Later batches wait for this call to land: it too must outlive its request.
      const sent = this.#send(family, new Set(tags), send);
      keep?.keepAlive(sent.then(ignore, ignore));
      return sent;
    }
    // A call is in flight: this bump opens the next batch and sends it when that call ends.
    const batch = { tags: new Set(tags) } as {
      tags: Set<string>;
      done: Promise<Map<string, number>>;
    };
    batch.done = flying.then(ignore, ignore).then(() => {
      if (this.#waiting.get(family) === batch) this.#waiting.delete(family);
      return this.#send(family, batch.tags, send);
    });
    this.#waiting.set(family, batch);
    keep?.keepAlive(batch.done.then(ignore, ignore));
    return batch.done;
  }

  #send(family: string, tags: Set<string>, send: SendBump): Promise<Map<string, number>> {
    const sent = send([...tags]);
    this.#flying.set(family, sent);
    const landed = () => {
      if (this.#flying.get(family) === sent) this.#flying.delete(family);
    };
    sent.then(landed, landed);
    return sent;
  }
}
