import { batch, eq, integer, openDatabase, sql, table, text, withUniqueErrors } from "nimbus-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LibsqlServer } from "../../src/node/libsql-server/index.ts";
import { type Fixture, fixture } from "./libsql-server/fixture.ts";

// openDatabase(env) and batch() on libSQL (the worker tests cover D1): a job's handle outside a
// request, and several writes that land together or not at all.
const accounts = table("accounts", {
  name: text().notNull().unique(),
  balance: integer().notNull(),
});

let libsql: Fixture;
let server: LibsqlServer;

beforeAll(async () => {
  libsql = fixture();
  server = await libsql.start();
  const setup = openDatabase({ DATABASE_URL: server.url });
  await setup.run(
    sql`CREATE TABLE accounts (id integer PRIMARY KEY AUTOINCREMENT, created_at integer NOT NULL, updated_at integer NOT NULL, name text NOT NULL UNIQUE, balance integer NOT NULL)`,
  );
});

afterAll(() => libsql.cleanup());

describe("a database handle outside a request, on libSQL", () => {
  it("writes and reads through DATABASE_URL, as a job would", async () => {
    const db = openDatabase({ DATABASE_URL: server.url });
    await db.insert(accounts).values({ name: "ann", balance: 10 }).run();
    const ann = await db.select().from(accounts).where(eq(accounts.name, "ann")).get();
    expect(ann?.balance).toBe(10);
  });

  it("batches writes atomically: a failing statement undoes the others", async () => {
    const db = openDatabase({ DATABASE_URL: server.url });
    const [inserted] = await batch(db, [
      db.insert(accounts).values({ name: "bob", balance: 5 }).returning(),
      db
        .update(accounts)
        .set({ balance: sql`${accounts.balance} - 5` })
        .where(eq(accounts.name, "ann")),
    ]);
    expect(inserted[0]?.name).toBe("bob");
    const failed = withUniqueErrors({ columns: { name: accounts.name } }, () =>
      batch(db, [
        db
          .update(accounts)
          .set({ balance: sql`${accounts.balance} + 100` })
          .where(eq(accounts.name, "ann")),
        db.insert(accounts).values({ name: "bob", balance: 1 }),
      ]),
    );
    await expect(failed).rejects.toMatchObject({
      status: 422,
      fields: { name: ["has already been taken"] },
    });
    const ann = await db.select().from(accounts).where(eq(accounts.name, "ann")).get();
    expect(ann?.balance).toBe(5);
  });
});
