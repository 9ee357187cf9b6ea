/**
 * The board inside one SQLite-backed Durable Object, queried in-process through drizzle's
 * durable-sqlite driver; the Worker forwards every request to that object. Built on the public
 * DatabaseEngine interface only: what a "durable" engine for Nimbus would be.
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DatabaseEngine, NimbusDatabase } from "../../../../src/nimbus/index.ts";
import { board } from "./board.ts";

interface Env {
  BOARD: DurableObjectNamespace<LinkBoard>;
  /** The migrations' statements, in order. */
  SCHEMA: string[];
  /** The rows to start from: [id, title, url, description, createdAt, updatedAt][]. */
  SEED: unknown[][];
}

const inObject: DatabaseEngine = {
  open: (c) => (c.env as { NIMBUS_DB: NimbusDatabase }).NIMBUS_DB,
};
const app = board(inObject);

export class LinkBoard extends DurableObject<Env> {
  readonly #db: NimbusDatabase;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // drizzle's durable-sqlite database is synchronous; awaiting its results works all the same.
    this.#db = drizzle(ctx.storage, { casing: "snake_case" }) as unknown as NimbusDatabase;
    const sql = ctx.storage.sql;
    const exists = sql.exec("SELECT 1 FROM sqlite_schema WHERE name = 'links'").toArray();
    if (exists.length === 0) {
      ctx.storage.transactionSync(() => {
        for (const statement of env.SCHEMA) sql.exec(statement);
        for (const row of env.SEED) {
          sql.exec(
            "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            ...row,
          );
        }
      });
    }
  }

  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(app.fetch(request, { ...this.env, NIMBUS_DB: this.#db }));
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return env.BOARD.get(env.BOARD.idFromName("board")).fetch(request);
  },
};
