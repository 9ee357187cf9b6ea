import { and } from "drizzle-orm";
import { currentUserId, sameUser } from "../accounts/current-user.ts";
import { FRAMEWORK_FIELDS } from "../http/body.ts";
import { NotFound, ValidationFailed } from "../http/errors.ts";
import { withDeleteConflicts, withUniqueErrors } from "../model/constraint.ts";
import type { AnyActionContext } from "./context.ts";
import { parseListQuery } from "./query.ts";
import type { ResourceRuntime } from "./runtime.ts";
import { equals } from "./scope.ts";
import type { AnyModel, MemberContext, RowOf } from "./types.ts";

type Member = AnyActionContext & MemberContext<AnyModel, string>;
type Row = RowOf<AnyModel> & { id: number | string };

function viewContext(rt: ResourceRuntime, ctx: AnyActionContext) {
  return {
    c: ctx.c,
    model: rt.model,
    names: rt.names,
    paths: ctx.paths,
    csrf: ctx.c.get("session").csrfToken(),
    mayChange: (record: RowOf<AnyModel>) =>
      !rt.owner || sameUser((record as Row)[rt.owner.column], currentUserId(ctx.c)),
  };
}

/** What the user typed, to put back in the form after a failed submit. */
async function submittedValues(ctx: AnyActionContext): Promise<Record<string, unknown>> {
  const body = await ctx.c.get("body")();
  return Object.fromEntries(
    Object.entries(body.data).filter(([k]) => !(body.kind === "form" && FRAMEWORK_FIELDS.has(k))),
  );
}

/** HTML clients see the form again with their input and the messages; JSON clients get problem details. */
async function formOrProblem(
  rt: ResourceRuntime,
  ctx: AnyActionContext,
  record: Row | undefined,
  attempt: () => Promise<Response>,
): Promise<Response> {
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof ValidationFailed) || ctx.c.get("format") === "json") throw error;
    const form = rt.views.form({
      ...viewContext(rt, ctx),
      record,
      values: await submittedValues(ctx),
      errors: error.fields,
      action: record ? ctx.paths.show(record) : ctx.paths.index,
      method: record ? "patch" : "post",
    });
    return ctx.c.render(await form, {
      title: `${record ? "Edit" : "New"} ${rt.names.singular}`,
      status: 422,
    });
  }
}

/** The key of the column updates and deletes address: id, or the resource's key on a table without one. */
function rowKey(rt: ResourceRuntime): string {
  return rt.columns.id ? "id" : rt.key;
}

function redirectAfterSave(rt: ResourceRuntime, ctx: AnyActionContext, record: Row): string {
  return (
    rt.resource.options.redirectAfterSave?.(record, ctx.paths, ctx.c) ?? ctx.paths.show(record)
  );
}

export async function index(rt: ResourceRuntime, ctx: AnyActionContext): Promise<Response> {
  const list = parseListQuery(new URL(ctx.c.req.url), rt.listRules);
  const rows = await ctx.db
    .select()
    .from(rt.model.table)
    .where(and(ctx.where, list.where))
    .orderBy(list.orderBy)
    .limit(list.perPage + 1)
    .offset((list.page - 1) * list.perPage)
    .all();
  const hasNext = rows.length > list.perPage;
  const records = hasNext ? rows.slice(0, list.perPage) : rows;
  const page = { page: list.page, perPage: list.perPage, hasNext, query: list.kept };
  return ctx.respond({
    title: rt.names.title,
    html: () => rt.views.index({ ...viewContext(rt, ctx), records, page }),
    json: () => ctx.many(records, { page: list.page, perPage: list.perPage, hasNext }),
  });
}

export async function show(rt: ResourceRuntime, ctx: Member): Promise<Response> {
  return ctx.respond({
    title: `${rt.names.singularTitle} ${rt.key === "id" ? "#" : ""}${String((ctx.record as Row)[rt.key])}`,
    html: () => rt.views.show({ ...viewContext(rt, ctx), record: ctx.record }),
    json: () => ctx.one(ctx.record),
  });
}

export async function newForm(rt: ResourceRuntime, ctx: AnyActionContext): Promise<Response> {
  if (ctx.c.get("format") === "json") {
    throw new NotFound(
      `"new" is a page for browsers; POST JSON to ${ctx.paths.index} to create a ${rt.names.singular}.`,
    );
  }
  const form = rt.views.form({
    ...viewContext(rt, ctx),
    values: {},
    errors: {},
    action: ctx.paths.index,
    method: "post",
  });
  return ctx.c.render(await form, { title: `New ${rt.names.singular}` });
}

export async function create(rt: ResourceRuntime, ctx: AnyActionContext): Promise<Response> {
  return formOrProblem(rt, ctx, undefined, async () => {
    const input = rt.model.parseCreate(await ctx.c.get("body")());
    const values = { ...input, ...ctx.scoped };
    const record = (await withUniqueErrors(
      rt.model,
      () => ctx.db.insert(rt.model.table).values(values).returning().get(),
      values,
    )) as Row;
    await rt.resource.options.afterCreate?.(record, ctx.c);
    if (ctx.c.get("format") === "json") {
      return ctx.c.json(await ctx.one(record), 201, { Location: ctx.paths.show(record) });
    }
    ctx.c.get("session").flash(`${rt.names.singularTitle} was created.`);
    return ctx.c.redirect(redirectAfterSave(rt, ctx, record), 303);
  });
}

export async function edit(rt: ResourceRuntime, ctx: Member): Promise<Response> {
  if (ctx.c.get("format") === "json")
    throw new NotFound(`"edit" is a page for browsers; PATCH JSON to update.`);
  const record = ctx.record as Row;
  const form = rt.views.form({
    ...viewContext(rt, ctx),
    record,
    values: record,
    errors: {},
    action: ctx.paths.show(record),
    method: "patch",
  });
  return ctx.c.render(await form, { title: `Edit ${rt.names.singular}` });
}

export async function update(rt: ResourceRuntime, ctx: Member): Promise<Response> {
  const current = ctx.record as Row;
  return formOrProblem(rt, ctx, current, async () => {
    const input = rt.model.parseUpdate(await ctx.c.get("body")());
    const record =
      Object.keys(input).length === 0
        ? current
        : ((await withUniqueErrors(
            rt.model,
            () =>
              ctx.db
                .update(rt.model.table)
                .set(input)
                .where(and(equals(rt.rowColumn, current[rowKey(rt)] as never), ctx.where))
                .returning()
                .get(),
            input,
          )) as Row);
    await rt.resource.options.afterUpdate?.(record, ctx.c);
    if (ctx.c.get("format") === "json") return ctx.c.json(await ctx.one(record));
    ctx.c.get("session").flash(`${rt.names.singularTitle} was updated.`);
    return ctx.c.redirect(redirectAfterSave(rt, ctx, record), 303);
  });
}

export async function destroy(rt: ResourceRuntime, ctx: Member): Promise<Response> {
  const record = ctx.record as Row;
  await withDeleteConflicts(rt.names.singular, () =>
    ctx.db
      .delete(rt.model.table)
      .where(and(equals(rt.rowColumn, record[rowKey(rt)] as never), ctx.where))
      // Returning the id lets the cache invalidate this record's tag alone, not every record's.
      .returning({ id: rt.rowColumn as never })
      .all(),
  );
  await rt.resource.options.afterDestroy?.(record, ctx.c);
  if (ctx.c.get("format") === "json") return ctx.c.body(null, 204);
  ctx.c.get("session").flash(`${rt.names.singularTitle} was deleted.`);
  const target =
    rt.resource.options.redirectAfterDestroy?.(record, ctx.paths, ctx.c) ?? ctx.paths.index;
  return ctx.c.redirect(target, 303);
}
