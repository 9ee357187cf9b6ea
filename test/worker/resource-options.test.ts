import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Conflict, createApp, model, resource, table, text, Unauthorized } from "nimbus-web";
import { beforeAll, describe, expect, it } from "vitest";

// Resource options and request helpers on a small app of their own (tables made below).
const gadgets = table("option_gadgets", { name: text().notNull().unique(), secret: text() });
const Gadget = model(gadgets, { fields: ["name", "secret"] });

let deferred: string[] = [];
let release: () => void = () => {};

const app = createApp({ logRequests: false }).resources(
  resource("/readonly", Gadget, { only: ["index"] }),
  resource("/deletable", Gadget, { only: ["index", "show", "destroy"] }),
  resource("/json-only", Gadget, { api: true }),
  resource("/gadgets", Gadget, {
    serializer: { fields: ["name"], envelope: "name" },
    member: {
      guarded: {
        method: "post",
        // Runs before the record is loaded: no key, no lookup.
        use: [
          async (c, next) => {
            if (c.req.header("X-Key") !== "open sesame") throw new Unauthorized("Say the word.");
            await next();
          },
        ],
        handler: ({ c, record }) => c.json({ opened: record.name }),
      },
      claim: {
        method: "post",
        handler: ({ record }) => {
          throw new Conflict(`${record.name} is already claimed.`);
        },
      },
    },
    collection: {
      later: {
        method: "post",
        handler: async ({ c }) => {
          await c.var.defer(async () => {
            await new Promise<void>((resolve) => {
              release = resolve;
            });
            deferred.push("done");
          }, "slow work");
          await c.var.defer(() => {
            throw new Error("this failure is logged, not answered");
          }, "failing work");
          return c.json({ answered: true });
        },
      },
    },
  }),
);

const json = { Accept: "application/json", "Content-Type": "application/json" };
let id = 0;

beforeAll(async () => {
  await env.DB.prepare(
    "CREATE TABLE IF NOT EXISTS option_gadgets (id integer PRIMARY KEY AUTOINCREMENT, created_at integer NOT NULL, updated_at integer NOT NULL, name text NOT NULL UNIQUE, secret text)",
  ).run();
  const res = await app.request(
    "/gadgets",
    {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: `g${Date.now()}`, secret: "s" }),
    },
    env,
  );
  expect(res.status).toBe(201);
  id = Number(res.headers.get("Location")?.split("/").pop());
});

describe("resource options", () => {
  it("with only: [index], a POST to a record is a 404: no lookup, no _method talk", async () => {
    const post = await app.request(`/readonly/${id}`, { method: "POST", headers: json }, env);
    expect(post.status).toBe(404);
    expect(await post.text()).not.toContain("_method");
    expect((await app.request(`/readonly/${id}`, { headers: json }, env)).status).toBe(404);
    expect((await app.request("/readonly", { headers: json }, env)).status).toBe(200);
  });

  it("a POST to a record names only the override the resource has", async () => {
    // A JSON POST (no form, no CSRF token needed) reaches the tunnel, which offers only DELETE.
    const api = await app.request(
      `/deletable/${id}`,
      { method: "POST", headers: json, body: "{}" },
      env,
    );
    expect(api.status).toBe(405);
    expect(((await api.json()) as { detail: string }).detail).toBe(
      "POST to a deletable needs _method=DELETE.",
    );
  });

  it("an api resource answers JSON to a browser and has no pages or form tunnel", async () => {
    const html = { Accept: "text/html" };
    const list = await app.request("/json-only", { headers: html }, env);
    expect(list.headers.get("Content-Type")).toContain("application/json");
    const missing = await app.request("/json-only/987654321", { headers: html }, env);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await app.request(`/json-only/${id}/edit`, { headers: html }, env)).status).toBe(404);
    expect((await app.request("/json-only/new", { headers: html }, env)).status).toBe(404);
    expect(
      (await app.request(`/json-only/${id}`, { method: "POST", headers: json, body: "{}" }, env))
        .status,
    ).toBe(404);
  });

  it("serializes only the chosen fields, in an envelope named after the resource", async () => {
    const list = (await (await app.request("/gadgets", { headers: json }, env)).json()) as {
      gadgets: Record<string, unknown>[];
      meta: { page: number };
    };
    expect(list.meta.page).toBe(1);
    expect(list.gadgets.every((g) => Object.keys(g).join() === "name")).toBe(true);
    const one = await (await app.request(`/gadgets/${id}.json`, {}, env)).json();
    expect(Object.keys(one as object)).toEqual(["gadget"]);
  });

  it("runs a member route's own middleware, and 401 carries its challenge on pages too", async () => {
    const refused = await app.request(
      `/gadgets/${id}/guarded`,
      { method: "POST", headers: json },
      env,
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toBe("Bearer");
    const page = await app.request(`/gadgets/${id}/guarded`, { method: "POST" }, env);
    expect(page.status).toBe(401);
    expect(page.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(await page.text()).toContain("Say the word.");
    const opened = await app.request(
      `/gadgets/${id}/guarded`,
      { method: "POST", headers: { ...json, "X-Key": "open sesame" } },
      env,
    );
    expect(opened.status).toBe(200);
  });

  it("answers a Conflict with 409", async () => {
    const res = await app.request(`/gadgets/${id}/claim`, { method: "POST", headers: json }, env);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: 409, title: "Conflict" });
  });

  it("c.var.defer answers first and works after (waitUntil); a failure is logged, not answered", async () => {
    deferred = [];
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request("http://x.test/gadgets/later", { method: "POST", headers: json }),
      env,
      ctx,
    );
    expect(res.status).toBe(200);
    expect(deferred).toEqual([]);
    release();
    await waitOnExecutionContext(ctx);
    expect(deferred).toEqual(["done"]);
  });
});
