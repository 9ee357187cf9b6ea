/**
 * Group commit for tag bumps, per tag family: while a call to the family's object is in flight,
 * the bumps this isolate is asked for wait and then go together in the next call, one call for
 * all of them instead of one each. Under load most writes find a call in flight, so the object
 * (a Durable Object call each time: the largest part of what the cache adds to a write) is called
 * far less often than once per write.
 *
 * What each write still gets, as before: its bump is acknowledged by the object before its
 * promise resolves, and it is never carried by a call sent before it was asked for (such a call
 * may have reached the object before the write committed, and a reader in between would cache
 * the old rows under the new version). A failed call fails every bump it carried.
 */

/** Sends one batch's tags to the family's object; resolves with each tag's new version. */
export type SendBump = (tags: string[]) => Promise<Map<string, number>>;

interface Batch {
  readonly tags: Set<string>;
  /** Set once the batch is sent. */
  sent: Promise<Map<string, number>> | undefined;
}

const ignore = () => {};

export class BumpBatches {
  /** Per family, the call in flight. */
  readonly #flying = new Map<string, Promise<unknown>>();
  /** Per family, the bumps waiting for the call in flight to end. */
  readonly #waiting = new Map<string, Batch>();

  /**
   * Bumps `tags` (all of `family`) in the family's next call; resolves with the versions that
   * call handed out (for `tags` and the other tags it carried) once the object acknowledged it.
   */
  async bump(
    family: string,
    tags: readonly string[],
    send: SendBump,
  ): Promise<Map<string, number>> {
    let batch = this.#waiting.get(family);
    if (!batch) {
      batch = { tags: new Set(), sent: undefined };
      this.#waiting.set(family, batch);
    }
    for (const tag of tags) batch.tags.add(tag);
    const flying = this.#flying.get(family);
    // Its outcome is its own bumps' business; this batch goes next either way.
    if (flying) await flying.then(ignore, ignore);
    // The first of the batch to wake sends it, from its own request (workerd ties a call's I/O to
    // the request that made it, and this one stays until the answer comes).
    if (!batch.sent) {
      if (this.#waiting.get(family) === batch) this.#waiting.delete(family);
      const sent = send([...batch.tags]);
      batch.sent = sent;
      this.#flying.set(family, sent);
      const landed = () => {
        if (this.#flying.get(family) === sent) this.#flying.delete(family);
      };
      sent.then(landed, landed);
    }
    return await batch.sent;
  }
}
