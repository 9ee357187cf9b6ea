import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ParamKeys, ParamKeyToRecord } from "hono/types";
import type { CacheRule } from "../cache/types.ts";
import type { NimbusDatabase } from "../db/database.ts";
import type { NimbusEnv } from "../env.ts";
import type { FieldErrors } from "../http/errors.ts";
import type { Model } from "../model/model.ts";

// biome-ignore lint/suspicious/noExplicitAny: the widest model, used only as a type bound
export type AnyModel = Model<any, any>;
/** A row of the model's table, as selected. */
export type RowOf<M extends AnyModel> = M["table"]["$inferSelect"];
/** What create accepts after validation: only the declared fields. */
export type InputOf<M extends AnyModel> = ReturnType<M["parseCreate"]>;

export type ActionName = "index" | "show" | "new" | "create" | "edit" | "update" | "destroy";

/** Path params of a route pattern, typed from the pattern itself: "/links/:linkId" → { linkId: string }. */
export type ParamsOf<Path extends string> = ParamKeyToRecord<ParamKeys<Path> & string>;

export interface ResourceNames {
  /** "comments" */
  plural: string;
  /** "comment" */
  singular: string;
  /** "Comments", for headings */
  title: string;
  /** "Comment", for headings and messages */
  singularTitle: string;
}

/** URLs of this resource for the current request (parent params filled in). */
export interface ResourcePaths {
  index: string;
  new: string;
  show(id: number | string): string;
  edit(id: number | string): string;
}

export interface PageInfo {
  page: number;
  perPage: number;
  hasNext: boolean;
  /** The query string of the current sort and filters, to keep them on page links. */
  query: URLSearchParams;
}

/** What every view gets besides its data. */
export interface ViewContext<M extends AnyModel> {
  c: Context<NimbusEnv>;
  model: M;
  names: ResourceNames;
  paths: ResourcePaths;
  /** The session's CSRF token, for forms and buttons. */
  csrf: string;
}

export interface IndexViewProps<M extends AnyModel> extends ViewContext<M> {
  records: RowOf<M>[];
  page: PageInfo;
}

export interface ShowViewProps<M extends AnyModel> extends ViewContext<M> {
  record: RowOf<M>;
}

export interface FormViewProps<M extends AnyModel> extends ViewContext<M> {
  /** The record being edited; undefined on "new". */
  record?: RowOf<M> | undefined;
  /** What the form shows: the user's input after a failed submit, else the record's values. */
  values: Record<string, unknown>;
  errors: FieldErrors;
  action: string;
  method: "post" | "patch";
}

export type View<Props> = (props: Props) => Child | Promise<Child>;

export interface ResourceViews<M extends AnyModel> {
  index: View<IndexViewProps<M>>;
  show: View<ShowViewProps<M>>;
  form: View<FormViewProps<M>>;
}

/** Answers HTML or JSON, whichever the client asked for. */
export type Respond = (options: {
  html: () => Child | Promise<Child>;
  json: () => unknown;
  status?: 200 | 201 | 422;
  title?: string;
}) => Promise<Response>;

export interface ActionContext<M extends AnyModel, Path extends string> {
  c: Context<NimbusEnv, Path>;
  db: NimbusDatabase;
  params: ParamsOf<Path>;
  model: M;
  names: ResourceNames;
  paths: ResourcePaths;
  respond: Respond;
}

export interface MemberContext<M extends AnyModel, Path extends string>
  extends ActionContext<M, Path> {
  /** The record named by `:id`, already loaded (a missing one is a 404 before your code runs). */
  record: RowOf<M>;
}

type Handler<Ctx> = (ctx: Ctx) => Response | Promise<Response>;
export type MemberPath<Path extends string> = `${Path}/:id`;

/** Replacements for the default actions, each typed from the resource's path and model. */
export interface ActionOverrides<M extends AnyModel, Path extends string> {
  index: Handler<ActionContext<M, Path>>;
  new: Handler<ActionContext<M, `${Path}/new`>>;
  create: Handler<ActionContext<M, Path>>;
  show: Handler<MemberContext<M, MemberPath<Path>>>;
  edit: Handler<MemberContext<M, `${Path}/:id/edit`>>;
  update: Handler<MemberContext<M, MemberPath<Path>>>;
  destroy: Handler<MemberContext<M, MemberPath<Path>>>;
}

/** An extra route on one record: `member: { vote: { method: "post", handler } }` → POST /links/:id/vote. */
export interface MemberRoute<M extends AnyModel, Path extends string> {
  method: "get" | "post" | "put" | "patch" | "delete";
  handler: Handler<MemberContext<M, `${Path}/:id/${string}`>>;
}

/** An extra route on the collection: `collection: { search: { method: "get", handler } }` → GET /links/search. */
export interface CollectionRoute<M extends AnyModel, Path extends string> {
  method: "get" | "post" | "put" | "patch" | "delete";
  handler: Handler<ActionContext<M, `${Path}/${string}`>>;
}

/** Runs after a write succeeded, before the response: publish an event, enqueue a job, bump a counter. */
export type AfterWrite<M extends AnyModel> = (
  record: RowOf<M>,
  c: Context<NimbusEnv>,
) => void | Promise<void>;

type ColumnKey<M extends AnyModel> = keyof RowOf<M> & string;

export interface ResourceOptions<M extends AnyModel, Path extends string> {
  /** Page, partial or full: views not given are scaffolded from the model's fields. */
  views?: Partial<ResourceViews<M>>;
  /** Only these actions get routes (default: all seven). */
  only?: readonly ActionName[];
  actions?: Partial<ActionOverrides<M, Path>>;
  member?: Record<string, MemberRoute<M, Path>>;
  collection?: Record<string, CollectionRoute<M, Path>>;
  /** Rows per page (default 20) and the most a client may ask for with ?per_page (default 100). */
  perPage?: number;
  maxPerPage?: number;
  /** Fields a client may sort by with ?sort=field or ?sort=-field. */
  sortable?: readonly ColumnKey<M>[];
  /** The order of the index when the client names none (default "-id": newest first). */
  defaultSort?: `${"" | "-"}${ColumnKey<M>}`;
  /** Fields a client may filter on with ?filter[field]=value. */
  filterable?: readonly ColumnKey<M>[];
  /** For nested paths: the model each parent param names; a missing parent is a 404. */
  parents?: Partial<Record<ParamKeys<Path> & string, AnyModel>>;
  /** Where HTML clients go after a create or update (default: the record's page). */
  redirectAfterSave?: (record: RowOf<M>, paths: ResourcePaths, c: Context<NimbusEnv>) => string;
  /** Where HTML clients go after a destroy (default: the index). */
  redirectAfterDestroy?: (record: RowOf<M>, paths: ResourcePaths, c: Context<NimbusEnv>) => string;
  afterCreate?: AfterWrite<M>;
  afterUpdate?: AfterWrite<M>;
  afterDestroy?: AfterWrite<M>;
  /** Names used in headings and messages (default: from the path's last segment). */
  names?: Partial<ResourceNames>;
  /**
   * Cache these actions' responses (nimbus/cache), e.g. `{ index: { ttl: 60 }, show: { ttl: 300 } }`.
   * The index is tagged with the model's table (`links`), a record's page with `links:<id>`;
   * writes through `c.var.db` invalidate both, on every node.
   */
  cache?: Partial<Record<"index" | "show", CacheRule>>;
}

/** A declared resource: a path, a model and how they meet; mount it with `app.resources(...)`. */
export interface Resource<M extends AnyModel = AnyModel, Path extends string = string> {
  readonly path: Path;
  readonly model: M;
  readonly options: ResourceOptions<M, Path>;
}
