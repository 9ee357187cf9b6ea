import type { Context } from "hono";
import { d1 } from "./d1.ts";
import type { DatabaseEngine } from "./database.ts";
import { type LibsqlOptions, libsql } from "./libsql.ts";

/** The variables and secrets that choose and configure the database. */
export interface DatabaseEnv {
  /**
   * Set: libSQL at this URL is the primary (or, comma-separated, the endpoints of a mirrored
   * database: `nimbus db cluster up` prints them). Unset: the D1 binding `DB`.
   */
  DATABASE_URL?: string;
  /** Secret token for the primary and the replicas (Turso, a protected sqld). */
  DATABASE_AUTH_TOKEN?: string;
  /** libSQL read replicas, separated by commas or spaces. */
  DATABASE_REPLICA_URLS?: string;
  /** Milliseconds after which a replica that has not answered is skipped (default 1000). */
  DATABASE_REPLICA_TIMEOUT_MS?: string;
}

/** libSQL options from the environment, or null when DATABASE_URL is not set. */
export function libsqlOptionsFromEnv(env: DatabaseEnv | undefined): LibsqlOptions | null {
  const url = env?.DATABASE_URL?.trim();
  if (!url) return null;
  const replicas = (env?.DATABASE_REPLICA_URLS ?? "").split(/[\s,]+/).filter(Boolean);
  const timeout = Number(env?.DATABASE_REPLICA_TIMEOUT_MS);
  return {
    url,
    authToken: env?.DATABASE_AUTH_TOKEN || undefined,
    replicas,
    ...(timeout > 0 ? { replicaTimeoutMs: timeout } : {}),
  };
}

/**
 * The engine the configuration names: libSQL when `DATABASE_URL` is set (with any
 * `DATABASE_REPLICA_URLS`), otherwise D1 through the binding `DB`. The default of createApp().
 */
export function databaseFromEnv(options: { binding?: string } = {}): DatabaseEngine {
  const fallback = d1(options.binding ?? "DB");
  const engines = new Map<string, DatabaseEngine>();
  const chosen = new WeakMap<Context, DatabaseEngine>();
  const pick = (env: unknown): DatabaseEngine => {
    const config = libsqlOptionsFromEnv(env as DatabaseEnv | undefined);
    if (!config) return fallback;
    const key = JSON.stringify(config);
    let engine = engines.get(key);
    if (!engine) {
      engine = libsql(config);
      engines.set(key, engine);
    }
    return engine;
  };
  return {
    connect(env) {
      const engine = pick(env);
      if (!engine.connect)
        throw new Error("This database engine can't be opened outside a request.");
      return engine.connect(env);
    },
    open(c) {
      const engine = pick(c.env);
      chosen.set(c, engine);
      return engine.open(c);
    },
    close(c) {
      return chosen.get(c)?.close?.(c);
    },
    token(c) {
      return chosen.get(c)?.token?.(c);
    },
  };
}
