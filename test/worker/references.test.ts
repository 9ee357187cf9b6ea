// A write the database refuses for a reference (no such parent row; a parent still referred
// to) is the client's mistake: a 422 or 409 that changes nothing, never a 500. Found by fuzzing
// a generated scaffold (fuzz-scaffold.test.ts): POST /articles with a deleted author's id.
import { env } from "cloudflare:workers";
import { createApp, integer, model, resource, table, text } from "nimbus-web";
import { beforeAll, describe, expect, it } from "vitest";

const owners = table("ref_owners", { name: text().notNull() });
const Owner = model(owners, { fields: ["name"] });
// As `nimbus generate` writes a reference, but without onDelete: a parent can't go first.
const pets = table("ref_pets", {
  name: text().notNull(),
  ownerId: integer().references(() => owners.id),
});
const Pet = model(pets, { fields: ["name", "ownerId"] });
const app = createApp({ name: "References" }).resources(
  resource("/owners", Owner),
  resource("/pets", Pet),
);

const json = (method: string, path: string, body?: unknown) =>
  app.request(
    path,
    {
      method,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    env,
  );
const count = async (t: string) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>())?.n;

let ownerId = 0;
beforeAll(async () => {
  await env.DB.exec(
    "CREATE TABLE IF NOT EXISTS ref_owners (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, name text NOT NULL, created_at integer NOT NULL, updated_at integer NOT NULL)",
  );
  await env.DB.exec(
    "CREATE TABLE IF NOT EXISTS ref_pets (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, name text NOT NULL, owner_id integer REFERENCES ref_owners(id), created_at integer NOT NULL, updated_at integer NOT NULL)",
  );
  ownerId = (
    (await (await json("POST", "/owners", { name: "Ada" })).json()) as { data: { id: number } }
  ).data.id;
});

describe("references the database refuses", () => {
  it("creating with a missing parent is a 422 on the reference field, writing nothing", async () => {
    const before = await count("ref_pets");
    const res = await json("POST", "/pets", { name: "Rex", ownerId: 987654321 });
    expect(res.status).toBe(422);
    const { errors } = (await res.json()) as { errors: Record<string, string[]> };
    expect(errors).toEqual({ ownerId: ["does not exist"] });
    expect(await count("ref_pets")).toBe(before);
  });

  it("an update to a missing parent is a 422 and leaves the row as it was", async () => {
    const created = await json("POST", "/pets", { name: "Tom", ownerId });
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { id: number } };
    const res = await json("PATCH", `/pets/${data.id}`, { ownerId: 987654321 });
    expect(res.status).toBe(422);
    const row = await env.DB.prepare("SELECT owner_id FROM ref_pets WHERE id = ?")
      .bind(data.id)
      .first<{ owner_id: number }>();
    expect(row?.owner_id).toBe(ownerId);
  });

  it("the HTML form shows the error (422), not a 500", async () => {
    const res = await app.request(
      "/pets",
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/html" },
        body: JSON.stringify({ name: "Rex", ownerId: 987654321 }),
      },
      env,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("does not exist");
  });

  it("deleting a parent still referred to is a 409 Conflict, deleting nothing", async () => {
    const res = await json("DELETE", `/owners/${ownerId}`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("other records");
    expect((await json("GET", `/owners/${ownerId}`)).status).toBe(200);
  });
});
