import { and, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import type { NimbusEnv } from "../env.ts";
import { NotFound } from "../http/errors.ts";
import { humanize } from "../text/inflect.ts";
import type { ResourceRuntime } from "./runtime.ts";
import { equals, paramValue, pathsFor } from "./scope.ts";
import { serializeMany, serializeOne } from "./serializer.ts";
import type { ActionContext, AnyModel, MemberContext, PageMeta, Respond, RowOf } from "./types.ts";

export type AnyActionContext = ActionContext<AnyModel, string> & {
  /** Column values implied by the path (`linkId` of /links/:linkId/comments), set on every create. */
  scoped: Record<string, string | number>;
  where: SQL | undefined;
};

function respondFor(c: Context<NimbusEnv>): Respond {
  return async ({ html, json, status = 200, title = "" }) =>
    c.get("format") === "json"
      ? c.json(await json(), status)
      : c.render(await html(), { title, status });
}

/**
 * The path's params as query conditions: a parent param is looked up by its key (a missing
 * parent is a 404, so /links/999/comments is not an empty list) and restricts this table to
 * its children; a param that is a column of this table restricts that column.
 */
async function scope(rt: ResourceRuntime, c: Context<NimbusEnv>) {
  const db = c.get("db");
  const scoped: Record<string, string | number> = {};
  const values: Record<string, string> = {};
  const conditions: SQL[] = [];
  for (const param of rt.params) {
    const text = c.req.param(param) ?? "";
    values[param] = text;
    const parent = rt.parents.get(param);
    if (!parent) {
      const column = rt.columns[param];
      if (!column) continue;
      const value = paramValue(column, text);
      scoped[param] = value;
      conditions.push(equals(column, value));
      continue;
    }
    const value = paramValue(parent.keyColumn, text);
    const idColumn = parent.model.columns.id ?? parent.keyColumn;
    const found = await db
      .select({ id: idColumn })
      .from(parent.model.table)
      .where(equals(parent.keyColumn, value))
      .get();
    if (!found) {
      const name = humanize(
        parent.param.replace(new RegExp(`${parent.key}$`, "i"), ""),
      ).toLowerCase();
      throw new NotFound(`No ${name} with ${parent.key} ${value}.`);
    }
    const column = parent.column ? rt.columns[parent.column] : undefined;
    if (parent.column && column) {
      const id = (found as { id: string | number }).id;
      scoped[parent.column] = id;
      conditions.push(equals(column, id));
    }
  }
  return { scoped, values, where: and(...conditions) };
}

/** `restrict`: a further condition on the rows this request may see (an owner's scope). */
export async function collectionContext(
  rt: ResourceRuntime,
  c: Context<NimbusEnv>,
  restrict?: SQL,
): Promise<AnyActionContext> {
  const scoped = await scope(rt, c);
  const { values } = scoped;
  const where = restrict ? and(scoped.where, restrict) : scoped.where;
  const db = c.get("db");
  const serializeContext = { c, db };
  return {
    c: c as Context<NimbusEnv, string>,
    db,
    params: c.req.param() as never,
    model: rt.model,
    names: rt.names,
    paths: pathsFor(rt.collectionPath, values, rt.key),
    respond: respondFor(c),
    one: (record) => serializeOne(rt.serializer, record, serializeContext),
    many: (records, meta?: PageMeta) =>
      serializeMany(
        rt.serializer,
        records,
        serializeContext,
        meta ?? {
          page: 1,
          perPage: records.length,
          hasNext: false,
        },
      ),
    serialize: (record) =>
      rt.serializer.record(record, serializeContext) as Promise<RowOf<AnyModel>>,
    scoped: scoped.scoped,
    where,
  };
}

/** Loads the record named by the key param within the parent scope; 404 when there is none. */
export async function memberContext(
  rt: ResourceRuntime,
  c: Context<NimbusEnv>,
  restrict?: SQL,
): Promise<AnyActionContext & MemberContext<AnyModel, string>> {
  const ctx = await collectionContext(rt, c, restrict);
  const value = paramValue(rt.keyColumn, c.req.param(rt.key) ?? "");
  const record = await ctx.db
    .select()
    .from(rt.model.table)
    .where(and(equals(rt.keyColumn, value), ctx.where))
    .get();
  if (!record) throw new NotFound(`No ${rt.names.singular} with ${rt.key} ${value}.`);
  return { ...ctx, record };
}
