import type { Context, MiddlewareHandler } from "hono";
import type { Child } from "hono/jsx";
import type { ParamKeys } from "hono/types";
import type { CacheRule } from "../cache/types.ts";
import type { NimbusDatabase } from "../db/database.ts";
import type { AnyNimbusEnv, NimbusEnv } from "../env.ts";
import type { FieldErrors } from "../http/errors.ts";
import type { Model } from "../model/model.ts";

// biome-ignore lint/suspicious/noExplicitAny: the widest model, used only as a type bound
export type AnyModel = Model<any, any>;
/** A row of the model's table, as selected. */
export type RowOf<M extends AnyModel> = M["table"]["$inferSelect"];
/** What create accepts after validation: only the declared fields. */
export type InputOf<M extends AnyModel> = ReturnType<M["parseCreate"]>;
/** A column of the model's table, by its key in code. */
export type ColumnKey<M extends AnyModel> = keyof RowOf<M> & string;

export type ActionName = "index" | "show" | "new" | "create" | "edit" | "update" | "destroy";

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * Path params of a route pattern, typed from the pattern itself, every param in one object:
 * "/authors/:authorId/posts/:id" → { authorId: string; id: string }.
 */
export type ParamsOf<Path extends string> = Simplify<
  {
    [K in ParamKeys<Path> & string as K extends `${string}?` ? never : K]: string;
  } & {
    [K in ParamKeys<Path> & string as K extends `${infer Name}?` ? Name : never]?:
      | string
      | undefined;
  }
>;

/** The collection's path: "/articles/:slug" with key "slug" → "/articles"; "/links" stays. */
export type CollectionPath<
  Path extends string,
  Key extends string,
> = Path extends `${infer C}/:${Key}` ? C : Path;
/** One record's path: the collection's path and `/:key` ("/links/:id", "/articles/:slug"). */
export type MemberPath<
  Path extends string,
  Key extends string = "id",
> = `${CollectionPath<Path, Key>}/:${Key}`;

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

/** A record's key (its id, or its slug for a resource keyed by slug), or the record itself. */
export type RecordRef = number | string | Readonly<Record<string, unknown>>;

/** URLs of this resource for the current request (parent params filled in). */
export interface ResourcePaths {
  index: string;
  new: string;
  /** The record's page: pass the record, or its key (`paths.show(link)`, `paths.show(7)`). */
  show(record: RecordRef): string;
  edit(record: RecordRef): string;
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
  /**
   * Whether this viewer may edit or delete `record`: its owner under an `owner:` rule, anyone
   * without one. For hiding buttons; the actions check on their own.
   */
  mayChange(record: RowOf<M>): boolean;
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

/** The page of an index, as JSON clients see it in `meta`. */
export interface PageMeta {
  page: number;
  perPage: number;
  hasNext: boolean;
}

export interface ActionContext<
  M extends AnyModel,
  Path extends string,
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
> {
  c: Context<E, Path>;
  db: NimbusDatabase;
  params: ParamsOf<Path>;
  model: M;
  names: ResourceNames;
  paths: ResourcePaths;
  respond: Respond;
  /** One record as the resource's serializer shows it, in its envelope (`{ data: … }` by default). */
  one(record: RowOf<M>): Promise<unknown>;
  /** Records as the serializer shows them, in the envelope for many. */
  many(records: readonly RowOf<M>[], meta?: PageMeta): Promise<unknown>;
  /** The serializer's view of one record, without the envelope. */
  serialize(record: RowOf<M>): Promise<Out>;
}

export interface MemberContext<
  M extends AnyModel,
  Path extends string,
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
> extends ActionContext<M, Path, E, Out> {
  /** The record named by the path's key param, already loaded (a missing one is a 404 before your code runs). */
  record: RowOf<M>;
}

type Handler<Ctx> = (ctx: Ctx) => Response | Promise<Response>;

/** Replacements for the default actions, each typed from the resource's path and model. */
export interface ActionOverrides<
  M extends AnyModel,
  Path extends string,
  Key extends string = "id",
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
> {
  index: Handler<ActionContext<M, CollectionPath<Path, Key>, E, Out>>;
  new: Handler<ActionContext<M, `${CollectionPath<Path, Key>}/new`, E, Out>>;
  create: Handler<ActionContext<M, CollectionPath<Path, Key>, E, Out>>;
  show: Handler<MemberContext<M, MemberPath<Path, Key>, E, Out>>;
  edit: Handler<MemberContext<M, `${MemberPath<Path, Key>}/edit`, E, Out>>;
  update: Handler<MemberContext<M, MemberPath<Path, Key>, E, Out>>;
  destroy: Handler<MemberContext<M, MemberPath<Path, Key>, E, Out>>;
}

type RouteMethod = "get" | "post" | "put" | "patch" | "delete";

/** An extra route on one record: `member: { vote: { method: "post", handler } }` → POST /links/:id/vote. */
export interface MemberRoute<
  M extends AnyModel,
  Path extends string,
  Key extends string = "id",
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
> {
  method: RouteMethod;
  /** Middleware for this route only, run before the record is loaded (a rate limit, an auth check). */
  use?: readonly MiddlewareHandler<E>[];
  /**
   * Under an `owner:` rule, only the record's owner may call it (as update and destroy): a
   * signed-out client is sent to sign in (401 for JSON), anyone else gets a 403 before the
   * handler runs. Without it, a member route is anyone's (a vote).
   */
  ownerOnly?: boolean;
  handler: Handler<MemberContext<M, `${MemberPath<Path, Key>}/${string}`, E, Out>>;
}

/** An extra route on the collection: `collection: { search: { method: "get", handler } }` → GET /links/search. */
export interface CollectionRoute<
  M extends AnyModel,
  Path extends string,
  Key extends string = "id",
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
> {
  method: RouteMethod;
  /** Middleware for this route only. */
  use?: readonly MiddlewareHandler<E>[];
  handler: Handler<ActionContext<M, `${CollectionPath<Path, Key>}/${string}`, E, Out>>;
}

/** Runs after a write succeeded, before the response: publish an event, enqueue a job, bump a counter. */
export type AfterWrite<M extends AnyModel, E extends AnyNimbusEnv = NimbusEnv> = (
  record: RowOf<M>,
  c: Context<E>,
) => void | Promise<void>;

/** What a serializer gets besides the record. */
export interface SerializeContext<E extends AnyNimbusEnv = NimbusEnv> {
  c: Context<E>;
  db: NimbusDatabase;
}

/**
 * How JSON clients see records: which fields, nested records, and the envelope.
 *
 * @example
 * serializer: {
 *   record: async (article, { db }) => ({ slug: article.slug, title: article.title, author: await authorOf(db, article) }),
 *   envelope: "name", // { article: … } and { articles: […], meta }
 * }
 */
export interface Serializer<
  M extends AnyModel,
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
  Wrap extends EnvelopeName = "data",
  One = never,
  Many = never,
> {
  /** The fields shown (default: every column); ignored when `record` is given. */
  fields?: readonly ColumnKey<M>[];
  /** One record as clients see it: pick, rename, nest. */
  record?: (record: RowOf<M>, ctx: SerializeContext<E>) => Out | Promise<Out>;
  /**
   * "data" (default): `{ data: … }` and `{ data: […], meta }`. "name": the resource's names,
   * `{ article: … }` and `{ articles: […], meta }`. Or functions that build each body.
   */
  envelope?: Wrap | Envelope<Out, One, Many>;
}

/** The envelopes Nimbus knows by name. */
export type EnvelopeName = "data" | "name";

/** Builds the JSON body around one record and around a page of records. */
export interface Envelope<Out = unknown, One = unknown, Many = unknown> {
  one(data: Out): One;
  many(data: Out[], meta: PageMeta): Many;
}

/** A parent keyed by a column other than its id: `parents: { articleSlug: { model: Article, key: "slug" } }`. */
export interface ParentSpec<P extends AnyModel = AnyModel> {
  model: P;
  /** The parent's unique column the param holds (default "id"). */
  key?: ColumnKey<P>;
  /** This table's column holding the parent's id (default: the param, else `<name>Id`). */
  column?: string;
}

/**
 * Who owns a resource's records: `owner: "userId"` or `{ column: "userId", scope: "own" }`.
 * The signed-in user is `currentUserId(c)`: a session's `userId` or an API token's user.
 */
export interface OwnerRule<M extends AnyModel> {
  /** The column holding the owner's user id: set from the signed-in user on create, never from the request. */
  column: ColumnKey<M>;
  /**
   * "all" (default): anyone lists and reads records; only the owner edits or deletes (others 403).
   * "own": every action needs a signed-in user and sees only that user's records (another's is a 404).
   */
  scope?: "all" | "own";
  /** Where HTML clients sign in (default `/session/new`), with a same-origin `?next=`. */
  signInPath?: string;
}

export interface ResourceOptions<
  M extends AnyModel,
  Path extends string,
  Key extends string = "id",
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
  Wrap extends EnvelopeName = "data",
  One = never,
  Many = never,
> {
  /** The unique column member routes address (default "id"): `{ key: "slug" }` → /articles/:slug. */
  key?: Key & ColumnKey<M>;
  /** Page, partial or full: views not given are scaffolded from the model's fields. */
  views?: Partial<ResourceViews<M>>;
  /** Only these actions get routes (default: all seven). */
  only?: readonly ActionName[];
  /**
   * JSON only: every answer is JSON whatever the client accepts, and there are no pages
   * (`new`, `edit`) and no form method override. For API-first apps (`nimbus g scaffold --api`).
   */
  api?: boolean;
  actions?: Partial<ActionOverrides<M, Path, Key, E, Out>>;
  member?: Record<string, MemberRoute<M, Path, Key, E, Out>>;
  collection?: Record<string, CollectionRoute<M, Path, Key, E, Out>>;
  /** Middleware for every route of this resource (after the app's, before the record is loaded). */
  use?: readonly MiddlewareHandler<E>[];
  /** How JSON clients see records (default: every column, in `{ data }`). */
  serializer?: Serializer<M, E, Out, Wrap, One, Many>;
  /** Rows per page (default 20) and the most a client may ask for with ?per_page (default 100). */
  perPage?: number;
  maxPerPage?: number;
  /** Fields a client may sort by with ?sort=field or ?sort=-field. */
  sortable?: readonly ColumnKey<M>[];
  /** The order of the index when the client names none (default "-id": newest first). */
  defaultSort?: `${"" | "-"}${ColumnKey<M>}`;
  /** Fields a client may filter on with ?filter[field]=value. */
  filterable?: readonly ColumnKey<M>[];
  /** For nested paths: the model each parent param names (or how it is keyed); a missing parent is a 404. */
  parents?: Partial<Record<ParamKeys<Path> & string, AnyModel | ParentSpec>>;
  /** Where HTML clients go after a create or update (default: the record's page). */
  redirectAfterSave?: (record: RowOf<M>, paths: ResourcePaths, c: Context<E>) => string;
  /** Where HTML clients go after a destroy (default: the index). */
  redirectAfterDestroy?: (record: RowOf<M>, paths: ResourcePaths, c: Context<E>) => string;
  afterCreate?: AfterWrite<M, E>;
  afterUpdate?: AfterWrite<M, E>;
  afterDestroy?: AfterWrite<M, E>;
  /** Names used in headings and messages (default: from the path's last segment). */
  names?: Partial<ResourceNames>;
  /**
   * Cache these actions' responses (nimbus/cache), e.g. `{ index: { ttl: 60 }, show: { ttl: 300 } }`.
   * The index is tagged with the model's table (`links`), a record's page with `links:<id>`;
   * writes through `c.var.db` invalidate both, on every node.
   */
  cache?: Partial<Record<"index" | "show", CacheRule>>;
  /**
   * Records belong to users: `owner: "userId"` names the column holding the owner's id. New and
   * create need a signed-in user (browsers: 303 to sign in with `?next=`; JSON: 401) and set
   * that column to the user; edit, update and destroy by anyone else are a 403 and change
   * nothing; the column is never writable from a request (422). `{ column, scope: "own" }` also
   * scopes the list and every record to the signed-in user's own.
   */
  owner?: ColumnKey<M> | OwnerRule<M>;
}

/** A declared resource: a path, a model and how they meet; mount it with `app.resources(...)`. */
export interface Resource<
  M extends AnyModel = AnyModel,
  Path extends string = string,
  Key extends string = string,
  E extends AnyNimbusEnv = NimbusEnv,
  Out = RowOf<M>,
  Wrap extends EnvelopeName = "data",
  One = never,
  Many = never,
> {
  readonly path: Path;
  readonly model: M;
  readonly options: ResourceOptions<M, Path, Key, E, Out, Wrap, One, Many>;
}

/** Any resource, whatever its model, path, key, env and serializer. */
// biome-ignore lint/suspicious/noExplicitAny: the widest resource, used only as a type bound
export type AnyResource = Resource<any, any, any, any, any, any, any, any>;
