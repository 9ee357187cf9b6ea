import { drizzle } from "drizzle-orm/d1";
import { type DatabaseEngine, DRIZZLE_CONFIG, type NimbusDatabase } from "./database.ts";

/** One drizzle instance per D1 binding object, so requests don't rebuild it. */
const instances = new WeakMap<D1Database, NimbusDatabase>();

/** Queries go to the D1 database bound as `binding` in wrangler.toml (default `DB`). */
export function d1(binding = "DB"): DatabaseEngine {
  return {
    open(c) {
      const database = (c.env as Record<string, unknown> | undefined)?.[binding] as
        | D1Database
        | undefined;
      if (!database) {
        throw new Error(
          `No D1 binding "${binding}". Add [[d1_databases]] with binding = "${binding}" to wrangler.toml.`,
        );
      }
      let db = instances.get(database);
      if (!db) {
        db = drizzle(database, DRIZZLE_CONFIG) as unknown as NimbusDatabase;
        instances.set(database, db);
      }
      return db;
    },
  };
}
