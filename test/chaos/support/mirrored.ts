/** Helpers for the mirrored-database chaos tests: what each node holds, and write stalls. */

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import type { MirroredNode } from "../../../src/node/dqlite/node.ts";

/**
 * A checksum of every table in the copy of the database that `node` itself holds (dqlite's
 * dump of its local state, not the leader's), with its row count per table.
 */
export async function nodeChecksum(
  node: Pick<MirroredNode, "api">,
): Promise<{ sum: string; rows: Record<string, number>; integrity: string[] }> {
  const api = node.api();
  const dir = mkdtempSync(join(tmpdir(), "nimbus-mirrored-dump-"));
  try {
    const files = await api.dump();
    for (const file of files) writeFileSync(join(dir, file.Name), Buffer.from(file.Data, "base64"));
    const db = new Database(join(dir, "nimbus"));
    try {
      const hash = createHash("sha256");
      const rows: Record<string, number> = {};
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all() as string[];
      for (const table of tables) {
        const all = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw(true).all();
        rows[table] = all.length;
        hash
          .update(table)
          .update(JSON.stringify(all, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
      }
      const integrity = db.prepare("PRAGMA integrity_check").pluck().all() as string[];
      return { sum: hash.digest("hex"), rows, integrity };
    } finally {
      db.close();
    }
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits (bounded) until every node in `nodes` holds the same content; returns it. */
export async function convergedChecksum(nodes: Pick<MirroredNode, "api">[], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sums = await Promise.all(nodes.map((node) => nodeChecksum(node)));
    if (sums.every((s) => s.sum === sums[0]?.sum)) return sums[0] as (typeof sums)[number];
    if (Date.now() > deadline) {
      throw new Error(
        `nodes differ after ${timeoutMs} ms: ${JSON.stringify(sums.map((s) => s.rows))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Times of acknowledged writes, to measure the longest pause in a window. */
export class AckClock {
  readonly times: number[] = [];

  tick(): void {
    this.times.push(Date.now());
  }

  /** The longest time without an acknowledgement between `from` and the last ack after it. */
  longestGapSince(from: number): number {
    let previous = from;
    let longest = 0;
    for (const t of this.times) {
      if (t < from) continue;
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return longest;
  }

  /** The median time between acknowledgements before `until` (one request's worth, roughly). */
  medianGapBefore(until: number): number {
    const gaps: number[] = [];
    for (let i = 1; i < this.times.length; i++) {
      const t = this.times[i] as number;
      if (t < until) gaps.push(t - (this.times[i - 1] as number));
    }
    gaps.sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length / 2)] ?? 0;
  }
}
