import type { Context } from "hono";
import type { DatabaseEngine, NimbusDatabase } from "./database.ts";

/**
 * A stand-in for the request's database that opens it on first use, so routes without queries
 * (health checks, static text, redirects) pay nothing for the engine: no session, no client,
 * no consistency token.
 */
export function lazyDatabase(
  engine: DatabaseEngine,
  c: Context,
): { db: NimbusDatabase; opened(): boolean } {
  let real: NimbusDatabase | undefined;
  const open = () => {
    real ??= engine.open(c);
    return real;
  };
  const db = new Proxy({} as NimbusDatabase, {
    get(_, property) {
      const target = open();
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    has: (_, property) => property in open(),
  });
  return { db, opened: () => real !== undefined };
}
