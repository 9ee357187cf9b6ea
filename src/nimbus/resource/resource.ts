import { getTableName } from "drizzle-orm";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { cacheResponse } from "../cache/action.ts";
import type { AnyNimbusEnv, NimbusEnv } from "../env.ts";
import { HttpError } from "../http/errors.ts";
import * as defaults from "./actions.ts";
import { type AnyActionContext, collectionContext, memberContext } from "./context.ts";
import { assertOwner, type OwnerAction, ownerGate, ownerOnCreate, ownerOnly } from "./ownership.ts";
import { type ResourceRuntime, resourceRuntime } from "./runtime.ts";
import type {
  ActionName,
  AnyModel,
  AnyResource,
  ColumnKey,
  EnvelopeName,
  Resource,
  ResourceOptions,
  RowOf,
} from "./types.ts";

/** Declares resources whose handlers see an app's own env (`c.env.MY_SECRET`, `c.var.user`). */
export type ResourceFunction<E extends AnyNimbusEnv> = <
  M extends AnyModel,
  const Path extends string,
  const Key extends ColumnKey<M> = "id",
  Out = RowOf<M>,
  const Wrap extends EnvelopeName = "data",
  One = never,
  Many = never,
>(
  path: Path,
  model: M,
  options?: ResourceOptions<M, Path, Key, E, Out, Wrap, One, Many>,
) => Resource<M, Path, Key, E, Out, Wrap, One, Many>;

/**
 * `resource` typed for an app's env: declare it once beside the app's bindings, then every
 * action, hook and serializer reads `c.env` and `c.var` without a cast.
 *
 * @example
 * type AppEnv = NimbusEnv<{ API_SECRET: string }>;
 * export const resource = resourceWith<AppEnv>();
 */
export function resourceWith<E extends AnyNimbusEnv>(): ResourceFunction<E> {
  return (path, model, options = {}) => ({ path, model, options });
}

/**
 * Declares a REST resource: seven actions (index, show, new, create, edit, update, destroy)
 * answering HTML or JSON from one declaration. Path params are typed from `path`. Records
 * are addressed by id, or by another unique column with `key`.
 *
 * @example
 * export const links = resource("/links", Link, { sortable: ["title"], perPage: 20 });
 * export const comments = resource("/links/:linkId/comments", Comment, { parents: { linkId: Link } });
 * export const articles = resource("/articles/:slug", Article, { key: "slug" });
 */
export const resource: ResourceFunction<NimbusEnv> = resourceWith<NimbusEnv>();

type Handler = (ctx: AnyActionContext) => Response | Promise<Response>;

/** Marks the POST that carries HTML forms' PATCH and DELETE (`_method`), for `nimbus routes`. */
export const FORM_METHOD_OVERRIDE = Symbol.for("nimbus.formMethodOverride");

/** The user's override when there is one, else the default action. */
function pick(
  rt: ResourceRuntime,
  name: ActionName,
  fallback: (rt: ResourceRuntime, ctx: never) => Promise<Response>,
) {
  const override = rt.resource.options.actions?.[name as never] as unknown as Handler | undefined;
  return (ctx: AnyActionContext) => (override ? override(ctx) : fallback(rt, ctx as never));
}

/** Registers a resource's routes on an app; returns the Hono patterns it registered. */
export function mountResource(app: Hono<NimbusEnv>, resource: AnyResource): string[] {
  const rt = resourceRuntime(resource);
  const options = resource.options as ResourceOptions<AnyModel, string, string>;
  const api = options.api === true;
  const pageOnly = (name: ActionName) => api && (name === "new" || name === "edit");
  const enabled = (name: ActionName) =>
    !pageOnly(name) && (!options.only || options.only.includes(name));
  const collection = rt.collectionPattern;
  const member = rt.memberPattern;
  const jsonOnly: MiddlewareHandler<NimbusEnv> = async (c, next) => {
    c.set("format", "json");
    await next();
  };
  const shared = [
    ...(api ? [jsonOnly] : []),
    ...((options.use ?? []) as MiddlewareHandler<NimbusEnv>[]),
  ];
  const patterns: string[] = [];
  // Hono's overloads type a fixed number of handlers; this passes a list.
  const register = app.on.bind(app) as unknown as (
    methods: string[],
    path: string,
    ...handlers: MiddlewareHandler<NimbusEnv>[]
  ) => void;
  const on = (
    method: string | string[],
    path: string,
    extra: readonly MiddlewareHandler[] | undefined,
    handler: (c: Context<NimbusEnv>) => Promise<Response>,
  ) => {
    const methods = typeof method === "string" ? [method] : method;
    const own = (extra ?? []) as MiddlewareHandler<NimbusEnv>[];
    register(methods, path, ...shared, ...own, handler as MiddlewareHandler<NimbusEnv>);
    if (!patterns.includes(path)) patterns.push(path);
  };
  const owner = rt.owner;
  // Where a signed-out browser comes back to after signing in: a form post can't be replayed,
  // so creating returns to the new form (if there is one) and changing to the record's page.
  const nextAfterSignIn = (c: Context<NimbusEnv>, action: OwnerAction) => () => {
    const path = new URL(c.req.url).pathname;
    if (action === "create") return enabled("new") ? `${path}/new` : path;
    // An owner-only route of the app's own: a GET comes back to itself, a post to the record.
    if (action === "owned") return c.req.method === "GET" ? path : path.replace(/\/[^/]*$/, "");
    return action === "update" || action === "destroy" || action === "tunnel" ? path : undefined;
  };
  const onCollection =
    (handler: Handler, action: OwnerAction = "custom") =>
    async (c: Context<NimbusEnv>) => {
      if (!owner) return handler(await collectionContext(rt, c));
      const grant = ownerGate(owner, c, action, nextAfterSignIn(c, action));
      if (grant instanceof Response) return grant;
      const ctx = await collectionContext(rt, c, grant.where);
      if (action === "create" && grant.userId !== undefined) {
        Object.assign(ctx.scoped, await ownerOnCreate(owner, c, grant.userId));
      }
      return handler(ctx);
    };
  const onMember =
    (handler: Handler, action: OwnerAction = "custom") =>
    async (c: Context<NimbusEnv>) => {
      if (!owner) return handler(await memberContext(rt, c));
      const grant = ownerGate(owner, c, action, nextAfterSignIn(c, action));
      if (grant instanceof Response) return grant;
      const ctx = await memberContext(rt, c, grant.where);
      if (ownerOnly(action)) {
        const record = ctx.record as Record<string, unknown>;
        await assertOwner(
          owner,
          c,
          record,
          grant.userId,
          action !== "destroy" && action !== "owned",
        );
      }
      return handler(ctx);
    };

  // Cached actions: the index carries the model's tag, a record's page its own (and `links:*`).
  const table = getTableName(rt.model.table);
  const cacheIndex = options.cache?.index && cacheResponse(options.cache.index, () => [table]);
  const cacheShow =
    options.cache?.show &&
    cacheResponse(options.cache.show, (c) =>
      // Record tags are ids: a resource keyed by another column carries the model's tag instead.
      rt.key === "id" ? [`${table}:${c.req.param("id")}`, `${table}:*`] : [table, `${table}:*`],
    );
  const index = pick(rt, "index", defaults.index);
  const create = pick(rt, "create", defaults.create);
  const show = pick(rt, "show", defaults.show);
  const update = pick(rt, "update", defaults.update);
  const destroy = pick(rt, "destroy", defaults.destroy);

  for (const [name, route] of Object.entries(options.collection ?? {})) {
    on(
      route.method.toUpperCase(),
      `${collection}/${name}`,
      route.use,
      onCollection(route.handler as unknown as Handler),
    );
  }
  if (enabled("index"))
    on("GET", collection, cacheIndex ? [cacheIndex] : [], onCollection(index, "index"));
  if (enabled("create")) on("POST", collection, [], onCollection(create, "create"));
  if (enabled("new"))
    on("GET", `${collection}/new`, [], onCollection(pick(rt, "new", defaults.newForm), "new"));
  if (enabled("show")) on("GET", member, cacheShow ? [cacheShow] : [], onMember(show, "show"));
  if (enabled("edit"))
    on("GET", `${member}/edit`, [], onMember(pick(rt, "edit", defaults.edit), "edit"));
  if (enabled("update")) on(["PUT", "PATCH"], member, [], onMember(update, "update"));
  if (enabled("destroy")) on("DELETE", member, [], onMember(destroy, "destroy"));
  if (!api && (enabled("update") || enabled("destroy"))) {
    // HTML forms can only POST: the hidden _method field says which action they meant.
    const tunnel = onMember(async (ctx) => {
      const body = await ctx.c.get("body")();
      const method = body.kind === "form" ? body.data._method?.toUpperCase() : undefined;
      if ((method === "PATCH" || method === "PUT") && enabled("update")) return update(ctx);
      if (method === "DELETE" && enabled("destroy")) return destroy(ctx);
      const allowed = [
        enabled("update") && "_method=PATCH",
        enabled("destroy") && "_method=DELETE",
      ];
      throw new HttpError(
        405,
        "Method Not Allowed",
        `POST to a ${rt.names.singular} needs ${allowed.filter(Boolean).join(" or ")}.`,
      );
    }, "tunnel");
    Object.defineProperty(tunnel, FORM_METHOD_OVERRIDE, { value: true });
    on("POST", member, [], tunnel);
  }
  for (const [name, route] of Object.entries(options.member ?? {})) {
    if (route.ownerOnly && !owner) {
      throw new Error(
        `resource("${resource.path}"): member route "${name}" is ownerOnly but the resource has no \`owner:\` rule.`,
      );
    }
    on(
      route.method.toUpperCase(),
      `${member}/${name}`,
      route.use,
      onMember(route.handler as unknown as Handler, route.ownerOnly ? "owned" : "custom"),
    );
  }
  return patterns;
}
