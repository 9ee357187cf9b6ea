import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { outsideRequestTracker } from "../cache/outside.ts";
import { watchWrites } from "../cache/writes.ts";
import type { DatabaseEngine, NimbusDatabase } from "./database.ts";
import { databaseFromEnv } from "./from-env.ts";

let fromEnv: DatabaseEngine | undefined;

/**
 * The app's database outside a request: in a job, a cron task, a script inside the Worker.
 * Chosen as createApp() chooses it (libSQL when DATABASE_URL is set, else the D1 binding `DB`),
 * or through the engine you pass (the one given to createApp). Writes through it invalidate
 * the cache's tags (nimbus/cache) like writes through `c.var.db`.
 *
 * @example
 * defineJob("fetch-title", async (payload, env) => { await openDatabase(env).update(links)… });
 */
export function openDatabase(env: object, engine?: DatabaseEngine): NimbusDatabase {
  fromEnv ??= databaseFromEnv();
  const chosen = engine ?? fromEnv;
  if (!chosen.connect) {
    throw new Error(
      "This database engine has no connect(env): it can't be opened outside a request.",
    );
  }
  // Its writes invalidate cached pages and values, as writes inside a request do.
  return watchWrites(chosen.connect(env), outsideRequestTracker(env));
}

type Queries = readonly [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

/**
 * Runs several writes (and reads) as one atomic unit, on D1 and libSQL alike: all of them
 * happen or none does. Build the queries without awaiting them.
 *
 * @example
 * await batch(c.var.db, [db.insert(orders).values(order), db.update(stock).set(…).where(…)]);
 */
export function batch<const T extends Queries>(
  db: NimbusDatabase,
  queries: T,
): Promise<BatchResponse<T>> {
  const withBatch = db as unknown as { batch?: (queries: T) => Promise<BatchResponse<T>> };
  if (typeof withBatch.batch !== "function") {
    throw new Error("This database has no batch(): use D1 or libSQL through Nimbus's engines.");
  }
  return withBatch.batch(queries);
}
