/** A steady stream of creates from a few concurrent clients, recording which were acknowledged. */

export interface StreamResult {
  /** Tags whose create answered 2xx: each must be in the database afterwards. */
  acknowledged: string[];
  /** Tags whose create failed or answered otherwise: each may or may not be there. */
  failed: string[];
}

export interface Stream {
  /** Acknowledged creates so far. */
  readonly count: number;
  /** Resolves once `n` creates have been acknowledged since the call. */
  untilMore(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<StreamResult>;
}

/** Starts `concurrency` loops that call `create(tag)` until stopped; true means 2xx. */
export function startStream(
  create: (tag: string) => Promise<boolean>,
  concurrency = 4,
  prefix = "chaos",
): Stream {
  const result: StreamResult = { acknowledged: [], failed: [] };
  let running = true;
  let next = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const tag = `${prefix}-${next++}`;
      const ok = await create(tag).catch(() => false);
      (ok ? result.acknowledged : result.failed).push(tag);
      // A failed create (server down) is retried after a breath, not in a hot loop.
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    get count() {
      return result.acknowledged.length;
    },
    async untilMore(n, timeoutMs = 15_000) {
      const target = result.acknowledged.length + n;
      const deadline = Date.now() + timeoutMs;
      while (result.acknowledged.length < target) {
        if (Date.now() > deadline)
          throw new Error(`the stream stalled at ${result.acknowledged.length} creates`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}
