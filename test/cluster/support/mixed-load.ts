/**
 * Steady mixed load through a gateway: readers GET the list page, writers create links. Records
 * every failed read, every acknowledged create (must be in the database afterwards), and which
 * node answered (X-Nimbus-Node).
 */

export interface LoadResult {
  reads: number;
  /** Reads that did not answer 200: what the client saw. */
  failedReads: string[];
  /** Tags of creates answered 201. */
  acknowledged: string[];
  /** Tags of creates that failed (may or may not be stored). */
  failedWrites: string[];
  /** What each failed create got: status, node and body start, or the connection error. */
  writeErrors: string[];
  /** Responses per node. */
  byNode: Record<string, number>;
}

export interface Load {
  readonly result: LoadResult;
  /** Resets the per-node counts (to measure one phase). */
  resetByNode(): void;
  stop(): Promise<LoadResult>;
}

export function startMixedLoad(
  gateway: string,
  options: { readers?: number; writers?: number; prefix?: string; readPath?: string } = {},
): Load {
  const result: LoadResult = {
    reads: 0,
    failedReads: [],
    acknowledged: [],
    failedWrites: [],
    writeErrors: [],
    byNode: {},
  };
  let running = true;
  let next = 0;
  const prefix = options.prefix ?? `load-${Date.now()}`;
  const count = (res: Response) => {
    const node = res.headers.get("x-nimbus-node") ?? "?";
    result.byNode[node] = (result.byNode[node] ?? 0) + 1;
  };
  const reader = async () => {
    while (running) {
      try {
        const res = await fetch(`${gateway}${options.readPath ?? "/links"}`);
        await res.arrayBuffer();
        result.reads++;
        count(res);
        if (res.status !== 200) result.failedReads.push(`status ${res.status}`);
      } catch (error) {
        result.reads++;
        result.failedReads.push(String((error as Error).cause ?? error));
      }
    }
  };
  const writer = async () => {
    while (running) {
      const tag = `${prefix}-${next++}`;
      try {
        const res = await fetch(`${gateway}/links`, {
          method: "POST",
          headers: { Accept: "application/json", "Content-Type": "application/json" },
          body: JSON.stringify({ title: `Load ${tag}`, url: `https://example.com/${tag}` }),
        });
        const body = await res.text();
        count(res);
        (res.status === 201 ? result.acknowledged : result.failedWrites).push(tag);
        if (res.status !== 201) {
          const node = res.headers.get("x-nimbus-node") ?? "no node";
          result.writeErrors.push(`${tag}: ${res.status} from ${node}: ${body.slice(0, 160)}`);
        }
      } catch (error) {
        result.failedWrites.push(tag);
        result.writeErrors.push(`${tag}: ${String((error as Error).cause ?? error)}`);
      }
      if (result.failedWrites.at(-1) === tag) await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loops = [
    ...Array.from({ length: options.readers ?? 4 }, reader),
    ...Array.from({ length: options.writers ?? 2 }, writer),
  ];
  return {
    result,
    resetByNode() {
      result.byNode = {};
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
