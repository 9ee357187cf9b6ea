/**
 * A libSQL primary and lagging test replicas (real local servers, fed by the replica-feed
 * fixture), migrated with the demo's migrations; removes every server, feed and file after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { CREATE_POSITION_TABLE } from "../../../../src/nimbus/db/consistency/position.ts";
import { type LibsqlEngine, type LibsqlOptions, libsql } from "../../../../src/nimbus/db/libsql.ts";
import type { RouteEvent } from "../../../../src/nimbus/db/router/events.ts";
import { type LibsqlServer, startLibsqlServer } from "../../../../src/node/libsql-server/index.ts";
import {
  type ReplicaFeed,
  startReplicaFeed,
} from "../../../../src/node/libsql-server/replica-feed.ts";
import { libsqlTarget, migrate } from "../../../../src/node/migrate/index.ts";

export const MIGRATIONS = join(import.meta.dirname, "../../../../migrations");

export interface TestReplica {
  server: LibsqlServer;
  feed: ReplicaFeed;
}

export interface TestCluster {
  dir: string;
  primary: LibsqlServer;
  replicas: TestReplica[];
  /** Every route the engines of this cluster reported, oldest first. */
  events: RouteEvent[];
  /** A libSQL engine over the primary and every replica (options override). */
  engine(options?: Partial<LibsqlOptions>): LibsqlEngine;
  cleanup(): Promise<void>;
}

/** Starts a migrated primary and one replica per entry of `lags` (ms), all in sync at first. */
export async function startCluster(lags: number[], pollMs = 10): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-data-"));
  const primary = await startLibsqlServer({ file: join(dir, "primary.db") });
  const setup = createClient({ url: primary.url });
  await migrate(libsqlTarget(setup), MIGRATIONS);
  await setup.execute(CREATE_POSITION_TABLE);
  setup.close();
  const replicas: TestReplica[] = [];
  for (const [i, lagMs] of lags.entries()) {
    const server = await startLibsqlServer({ file: join(dir, `replica-${i}.db`) });
    const feed = startReplicaFeed({
      primaryFile: primary.file,
      replicaFile: server.file,
      lagMs,
      pollMs,
    });
    await feed.syncNow();
    replicas.push({ server, feed });
  }
  const events: RouteEvent[] = [];
  return {
    dir,
    primary,
    replicas,
    events,
    engine(options = {}) {
      return libsql({
        url: primary.url,
        replicas: replicas.map((r) => r.server.url),
        onRoute: (event) => events.push(event),
        ...options,
      });
    },
    async cleanup() {
      for (const replica of replicas) await replica.feed.stop();
      await Promise.all([primary, ...replicas.map((r) => r.server)].map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
