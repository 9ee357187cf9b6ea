import type { Context } from "hono";
import type { DatabaseEngine, NimbusDatabase } from "./database.ts";

// One handler for every request's stand-in: a request allocates its LazyDatabase and the proxy.
const STAND_IN: ProxyHandler<LazyDatabase> = {
  get(lazy, property) {
    const target = lazy.open();
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
  has: (lazy, property) => property in lazy.open(),
};

/**
 * A request's database, opened (and `wrap`ped, e.g. watched for writes) on first use through
 * `db`, its stand-in: routes without queries (health checks, static text, redirects) pay
 * nothing for the engine: no session, no client, no consistency token.
 */
export class LazyDatabase {
  #real: NimbusDatabase | undefined;
  readonly db: NimbusDatabase;

  constructor(
    readonly engine: DatabaseEngine,
    readonly c: Context,
    readonly wrap?: (db: NimbusDatabase) => NimbusDatabase,
  ) {
    this.db = new Proxy(this, STAND_IN) as unknown as NimbusDatabase;
  }

  open(): NimbusDatabase {
    if (!this.#real) {
      const db = this.engine.open(this.c);
      this.#real = this.wrap ? this.wrap(db) : db;
    }
    return this.#real;
  }

  /** True once a query opened it. */
  opened(): boolean {
    return this.#real !== undefined;
  }
}

/** The request's lazily opened database (see LazyDatabase). */
export function lazyDatabase(
  engine: DatabaseEngine,
  c: Context,
  wrap?: (db: NimbusDatabase) => NimbusDatabase,
): LazyDatabase {
  return new LazyDatabase(engine, c, wrap);
}
