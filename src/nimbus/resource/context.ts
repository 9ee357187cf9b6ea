import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import type { NimbusEnv } from "../env.ts";
import { NotFound } from "../http/errors.ts";
import type { ResourceRuntime } from "./runtime.ts";
import { paramValue, pathsFor, scopeOf } from "./scope.ts";
import type { ActionContext, AnyModel, MemberContext, Respond } from "./types.ts";

export type AnyActionContext = ActionContext<AnyModel, string> & {
  /** Column values implied by the path (`linkId` of /links/:linkId/comments), set on every create. */
  scoped: Record<string, string | number>;
  where: ReturnType<typeof scopeOf>["where"];
};

function respondFor(c: Context<NimbusEnv>): Respond {
  return async ({ html, json, status = 200, title = "" }) =>
    c.get("format") === "json"
      ? c.json(await json(), status)
      : c.render(await html(), { title, status });
}

/** Checks declared parents exist, so /links/999/comments is a 404 rather than an empty list. */
async function requireParents(rt: ResourceRuntime, ctx: AnyActionContext): Promise<void> {
  const parents = rt.resource.options.parents ?? {};
  for (const [param, parent] of Object.entries(parents) as [string, AnyModel][]) {
    const idColumn = parent.columns.id;
    if (!idColumn) continue;
    const value = paramValue(idColumn, ctx.c.req.param(param) ?? "");
    const found = await ctx.db
      .select({ id: idColumn })
      .from(parent.table)
      .where(eq(idColumn, value))
      .get();
    if (!found) throw new NotFound(`No ${param.replace(/Id$/, "")} with id ${value}.`);
  }
}

export async function collectionContext(
  rt: ResourceRuntime,
  c: Context<NimbusEnv>,
): Promise<AnyActionContext> {
  const scope = scopeOf(c, rt.parentParams, rt.columns);
  const ctx: AnyActionContext = {
    c: c as Context<NimbusEnv, string>,
    db: c.get("db"),
    params: c.req.param() as never,
    model: rt.model,
    names: rt.names,
    paths: pathsFor(rt.resource.path, scope.values),
    respond: respondFor(c),
    scoped: Object.fromEntries(Object.entries(scope.values).filter(([k]) => rt.columns[k])),
    where: scope.where,
  };
  await requireParents(rt, ctx);
  return ctx;
}

/** Loads the record named by :id within the parent scope; 404 when there is none. */
export async function memberContext(
  rt: ResourceRuntime,
  c: Context<NimbusEnv>,
): Promise<AnyActionContext & MemberContext<AnyModel, string>> {
  const ctx = await collectionContext(rt, c);
  const idColumn = rt.columns.id;
  if (!idColumn) throw new Error(`The table of ${rt.resource.path} has no id column.`);
  const id = paramValue(idColumn, c.req.param("id") ?? "");
  const record = await ctx.db
    .select()
    .from(rt.model.table)
    .where(and(eq(idColumn, id), ctx.where))
    .get();
  if (!record) throw new NotFound(`No ${rt.names.singular} with id ${id}.`);
  return { ...ctx, record };
}
