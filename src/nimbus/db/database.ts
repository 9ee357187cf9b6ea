import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";

/** The drizzle database a request uses: D1 or libSQL, the same SQLite dialect either way. */
export type NimbusDatabase = BaseSQLiteDatabase<"async", unknown>;

/**
 * Where a request's queries go. `open` runs when the request first touches `c.var.db` (never,
 * for a route without queries); `close` after the handler of a request that opened it, to hand
 * the client what it needs for its next request (a consistency token, for instance).
 */
export interface DatabaseEngine {
  open(c: Context): NimbusDatabase;
  close?(c: Context): void | Promise<void>;
  /**
   * The consistency token this request's reads and writes have reached so far (a D1 bookmark, a
   * libSQL position), or undefined when it is not known. The cache stores it with each entry so
   * a client carrying a newer token is not served an older entry.
   */
  token?(c: Context): string | undefined;
  /** A handle outside any request (a job, a cron task): D1 without a session, libSQL's primary. */
  connect?(env: object): NimbusDatabase;
}

/** Drizzle maps camelCase keys to snake_case columns for every engine alike. */
export const DRIZZLE_CONFIG = { casing: "snake_case" } as const;
