import { getTableName } from "drizzle-orm";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { cacheResponse } from "../cache/action.ts";
import type { NimbusEnv } from "../env.ts";
import { HttpError } from "../http/errors.ts";
import * as defaults from "./actions.ts";
import { type AnyActionContext, collectionContext, memberContext } from "./context.ts";
import { type ResourceRuntime, resourceRuntime } from "./runtime.ts";
import type { ActionName, AnyModel, Resource, ResourceOptions } from "./types.ts";

/**
 * Declares a REST resource: seven actions (index, show, new, create, edit, update, destroy)
 * answering HTML or JSON from one declaration. Path params are typed from `path`.
 *
 * @example
 * export const links = resource("/links", Link, { sortable: ["title"], perPage: 20 });
 * export const comments = resource("/links/:linkId/comments", Comment, { parents: { linkId: Link } });
 */
export function resource<M extends AnyModel, const Path extends string>(
  path: Path,
  model: M,
  options: ResourceOptions<M, Path> = {},
): Resource<M, Path> {
  return { path, model, options };
}

type Handler = (ctx: AnyActionContext) => Response | Promise<Response>;

/** The user's override when there is one, else the default action. */
function pick(
  rt: ResourceRuntime,
  name: ActionName,
  fallback: (rt: ResourceRuntime, ctx: never) => Promise<Response>,
) {
  const override = rt.resource.options.actions?.[name as never] as unknown as Handler | undefined;
  return (ctx: AnyActionContext) => (override ? override(ctx) : fallback(rt, ctx as never));
}

/** Registers a resource's routes on an app. */
export function mountResource(app: Hono<NimbusEnv>, resource: Resource): void {
  const rt = resourceRuntime(resource);
  const { options } = resource;
  const enabled = (name: ActionName) => !options.only || options.only.includes(name);
  const collection = rt.collectionPattern;
  const member = rt.memberPattern;
  const onCollection =
    (handler: (ctx: AnyActionContext) => Promise<Response> | Response) =>
    async (c: Context<NimbusEnv>) =>
      handler(await collectionContext(rt, c));
  const onMember =
    (handler: (ctx: AnyActionContext) => Promise<Response> | Response) =>
    async (c: Context<NimbusEnv>) =>
      handler(await memberContext(rt, c));

  // Cached actions: the index carries the model's tag, a record's page its own (and `links:*`).
  const table = getTableName(rt.model.table);
  const cacheIndex = options.cache?.index && cacheResponse(options.cache.index, () => [table]);
  const cacheShow =
    options.cache?.show &&
    cacheResponse(options.cache.show, (c) => [`${table}:${c.req.param("id")}`, `${table}:*`]);
  const get = (
    path: string,
    cache: MiddlewareHandler<NimbusEnv> | undefined,
    handler: (c: Context<NimbusEnv>) => Promise<Response>,
  ) => (cache ? app.get(path, cache, handler) : app.get(path, handler));
  const index = pick(rt, "index", defaults.index);
  const create = pick(rt, "create", defaults.create);
  const show = pick(rt, "show", defaults.show);
  const update = pick(rt, "update", defaults.update);
  const destroy = pick(rt, "destroy", defaults.destroy);

  for (const [name, route] of Object.entries(options.collection ?? {})) {
    app.on(
      route.method.toUpperCase(),
      `${collection}/${name}`,
      onCollection(route.handler as unknown as Handler),
    );
  }
  if (enabled("index")) get(collection, cacheIndex, onCollection(index));
  if (enabled("create")) app.post(collection, onCollection(create));
  if (enabled("new")) app.get(`${collection}/new`, onCollection(pick(rt, "new", defaults.newForm)));
  if (enabled("show")) get(member, cacheShow, onMember(show));
  if (enabled("edit")) app.get(`${member}/edit`, onMember(pick(rt, "edit", defaults.edit)));
  if (enabled("update")) app.on(["PUT", "PATCH"], member, onMember(update));
  if (enabled("destroy")) app.delete(member, onMember(destroy));
  // HTML forms can only POST: the hidden _method field says which action they meant.
  app.post(
    member,
    onMember(async (ctx) => {
      const body = await ctx.c.get("body")();
      const method = body.kind === "form" ? body.data._method?.toUpperCase() : undefined;
      if ((method === "PATCH" || method === "PUT") && enabled("update")) return update(ctx);
      if (method === "DELETE" && enabled("destroy")) return destroy(ctx);
      throw new HttpError(
        405,
        "Method Not Allowed",
        `POST to a ${rt.names.singular} needs _method=PATCH or _method=DELETE.`,
      );
    }),
  );
  for (const [name, route] of Object.entries(options.member ?? {})) {
    app.on(
      route.method.toUpperCase(),
      `${member}/${name}`,
      onMember(route.handler as unknown as Handler),
    );
  }
}
