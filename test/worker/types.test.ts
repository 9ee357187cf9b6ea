import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import {
  createApp,
  integer,
  model,
  type NimbusEnv,
  type ParamsOf,
  resource,
  resourceWith,
  table,
  text,
} from "nimbus-web";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { conduit } from "./fixtures/conduit/app.ts";

// Type tests: `npm run check` (tsc over dist/*.d.ts, as an app sees them) fails if these regress.
const authors = table("type_authors", { name: text().notNull(), slug: text().notNull().unique() });
const Author = model(authors, { fields: ["name"] });
const posts = table("type_posts", { authorId: integer().notNull(), title: text().notNull() });
const Post = model(posts, { fields: ["title"] });
type Env = NimbusEnv<{ MY_SECRET: string }, { user: { id: number } }>;

describe("types end to end", () => {
  it("keeps every path param of a path with two or more", () => {
    expectTypeOf<ParamsOf<"/authors/:authorId/posts/:id">>().toEqualTypeOf<{
      authorId: string;
      id: string;
    }>();
    expectTypeOf<ParamsOf<"/a/:x/b/:y/c/:z?">>().toEqualTypeOf<{
      x: string;
      y: string;
      z?: string | undefined;
    }>();
  });

  it("types member params, records and the app's env in resource handlers, without a cast", () => {
    const typed = resourceWith<Env>();
    const declared = typed("/authors/:authorId/posts", Post, {
      parents: { authorId: Author },
      actions: {
        show: ({ c, params, record }) => {
          expectTypeOf(params).toEqualTypeOf<{ authorId: string; id: string }>();
          expectTypeOf(c.req.param("authorId")).toEqualTypeOf<string>();
          expectTypeOf(c.env.MY_SECRET).toEqualTypeOf<string>();
          expectTypeOf(c.var.user.id).toEqualTypeOf<number>();
          expectTypeOf(record.title).toEqualTypeOf<string>();
          return c.json({ secret: c.env.MY_SECRET.length });
        },
      },
      afterCreate: (post, c) => {
        expectTypeOf(post.authorId).toEqualTypeOf<number>();
        expectTypeOf(c.env.MY_SECRET).toEqualTypeOf<string>();
      },
    });
    expect(declared.path).toBe("/authors/:authorId/posts");
    // Mounted where the bindings it reads exist: fine; elsewhere, a compile error.
    createApp<{ MY_SECRET: string }, { user: { id: number } }>().resources(declared);
    // @ts-expect-error: this app has no MY_SECRET and no c.var.user for the resource's handlers.
    createApp().resources(declared);
    const bySlug = resource("/authors/:slug", Author, {
      key: "slug",
      actions: {
        show: ({ params }) => {
          expectTypeOf(params).toEqualTypeOf<{ slug: string }>();
          return new Response(params.slug);
        },
      },
    });
    // @ts-expect-error: a key must be a column of the model.
    resource("/authors/:handle", Author, { key: "handle" });
    expect(bySlug.options.key).toBe("slug");
  });

  it("puts resource routes in Hono's route types, for hc", () => {
    const client = hc<typeof conduit>("http://conduit.test");
    type Show = (typeof client.api.articles)[":slug"]["$get"];
    expectTypeOf<InferRequestType<Show>>().toEqualTypeOf<{ param: { slug: string } }>();
    expectTypeOf<InferResponseType<Show>["article"]["author"]>().toEqualTypeOf<{
      name: string;
      bio: string | null;
    } | null>();
    type Create = typeof client.api.articles.$post;
    expectTypeOf<InferRequestType<Create>["json"]>().toEqualTypeOf<{
      title: string;
      body: string;
    }>();
    type Comments = (typeof client.api.articles)[":articleSlug"]["comments"]["$get"];
    expectTypeOf<InferRequestType<Comments>["param"]>().toEqualTypeOf<{ articleSlug: string }>();
    // Plain Hono routes stay in the same client.
    expectTypeOf(client.api.user.$get).toBeFunction();
  });
});
