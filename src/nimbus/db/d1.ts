import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { readToken, writeToken } from "./consistency/token.ts";
import { type DatabaseEngine, DRIZZLE_CONFIG, type NimbusDatabase } from "./database.ts";
import { isRead } from "./router/statement.ts";

export interface D1Options {
  /** The binding's name in wrangler.toml (default `DB`). */
  binding?: string;
  /**
   * Route through D1's Sessions API (default true): reads may be served by read replicas, and
   * each client's bookmark keeps its reads at or after its own writes, on any node.
   */
  sessions?: boolean;
}

/** D1 bookmarks look like `00000000-00000001-00000000-<32 hex>`; anything else is ignored. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** One drizzle instance per D1 binding object, for the session-less mode. */
const instances = new WeakMap<D1Database, NimbusDatabase>();

function bindingOf(env: unknown, binding: string): D1Database {
  const database = (env as Record<string, unknown> | undefined)?.[binding] as
    | D1Database
    | undefined;
  if (!database) {
    throw new Error(
      `No D1 binding "${binding}". Add [[d1_databases]] with binding = "${binding}" to wrangler.toml, or set DATABASE_URL to use libSQL.`,
    );
  }
  return database;
}

/**
 * Queries go to the D1 database bound as `binding` in wrangler.toml (default `DB`), through a
 * D1 session anchored at the client's bookmark: the consistency token, carried in a cookie
 * (pages) or the `Nimbus-Consistency` header (API clients).
 */
export function d1(options: string | D1Options = {}): DatabaseEngine {
  const { binding = "DB", sessions = true } =
    typeof options === "string" ? { binding: options } : options;
  const open = new WeakMap<Context, { session: D1DatabaseSession; wrote: boolean }>();
  const plain = (database: D1Database): NimbusDatabase => {
    let db = instances.get(database);
    if (!db) {
      db = drizzle(database, DRIZZLE_CONFIG) as unknown as NimbusDatabase;
      instances.set(database, db);
    }
    return db;
  };
  return {
    connect: (env) => plain(bindingOf(env, binding)),
    open(c) {
      const database = bindingOf(c.env, binding);
      if (!sessions) return plain(database);
      const token = readToken(c);
      const session = database.withSession(
        token && BOOKMARK.test(token) ? token : "first-unconstrained",
      );
      const state = { session, wrote: false };
      open.set(c, state);
      // Every statement is prepared: a write among them is what lets the token's cookie be set.
      const watched = new Proxy(session, {
        get(target, property) {
          if (property === "prepare") {
            return (query: string) => {
              if (!state.wrote && !isRead(query)) state.wrote = true;
              return target.prepare(query);
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      return drizzle(watched as unknown as D1Database, DRIZZLE_CONFIG) as unknown as NimbusDatabase;
    },
    close(c) {
      const state = open.get(c);
      const bookmark = state?.session.getBookmark();
      if (!state || !bookmark) return;
      const sent = readToken(c);
      writeToken(c, bookmark, state.wrote || (sent !== undefined && sent !== bookmark));
    },
    token(c) {
      return open.get(c)?.session.getBookmark() ?? undefined;
    },
  };
}
