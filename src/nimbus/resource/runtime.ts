import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { capitalize } from "../text/inflect.ts";
import { namesFromPath } from "./names.ts";
import { type OwnerRuntime, ownerRuntime } from "./ownership.ts";
import type { ListRules } from "./query.ts";
import { scaffoldViews } from "./scaffold-views.tsx";
import { paramNames, routePattern } from "./scope.ts";
import { type SerializerRuntime, serializerRuntime } from "./serializer.ts";
import type { AnyModel, AnyResource, ResourceNames, ResourceViews } from "./types.ts";

/** A parent param, resolved: which model, by which column, and this table's column that points at it. */
export interface ParentRuntime {
  param: string;
  model: AnyModel;
  key: string;
  keyColumn: SQLiteColumn;
  /** This table's column holding the parent's id; undefined when the table has none (no scoping). */
  column: string | undefined;
}

/** Everything about a resource that doesn't change between requests, worked out once at mount. */
export interface ResourceRuntime {
  resource: AnyResource;
  model: AnyModel;
  columns: Record<string, SQLiteColumn>;
  names: ResourceNames;
  views: ResourceViews<AnyModel>;
  /** The collection's path as declared ("/articles" of "/articles/:slug"). */
  collectionPath: string;
  /** The Hono pattern of the collection, with integer params restricted to digits. */
  collectionPattern: string;
  memberPattern: string;
  /** The unique column that names one record (default "id"). */
  key: string;
  keyColumn: SQLiteColumn;
  /** The column updates and deletes address (id when there is one, else the key). */
  rowColumn: SQLiteColumn;
  params: string[];
  parents: Map<string, ParentRuntime>;
  listRules: ListRules;
  serializer: SerializerRuntime;
  /** The `owner:` rule, if the resource has one. */
  owner: OwnerRuntime | undefined;
}

function parentsOf(resource: AnyResource, columns: Record<string, SQLiteColumn>) {
  const parents = new Map<string, ParentRuntime>();
  for (const [param, spec] of Object.entries(resource.options.parents ?? {})) {
    if (!spec) continue;
    const full =
      "model" in (spec as object)
        ? (spec as { model: AnyModel; key?: string; column?: string })
        : { model: spec as AnyModel };
    const key = full.key ?? "id";
    const keyColumn = full.model.columns[key];
    if (!keyColumn) {
      throw new Error(
        `resource("${resource.path}"): parent ":${param}" is keyed by "${key}", which is not a column of its table.`,
      );
    }
    // "articleSlug" keyed by slug → articleId; "linkId" keyed by id → linkId itself.
    const suffix = capitalize(key);
    const stem = param.endsWith(suffix) ? param.slice(0, -suffix.length) : param;
    const column = full.column ?? [param, `${stem}Id`].find((name) => columns[name] !== undefined);
    if (full.column && !columns[full.column]) {
      throw new Error(
        `resource("${resource.path}"): parent ":${param}" names column "${full.column}", which is not a column of this table.`,
      );
    }
    parents.set(param, { param, model: full.model, key, keyColumn, column });
  }
  return parents;
}

export function resourceRuntime(resource: AnyResource): ResourceRuntime {
  const { model, options, path } = resource;
  const columns = model.columns as Record<string, SQLiteColumn>;
  const key: string = options.key ?? "id";
  const keyColumn = columns[key];
  if (!keyColumn) {
    throw new Error(
      `resource("${path}"): key "${key}" is not a column of the table; name a unique column.`,
    );
  }
  const collectionPath = path.endsWith(`/:${key}`) ? path.slice(0, -`/:${key}`.length) : path;
  const parents = parentsOf(resource, columns);
  const params = paramNames(collectionPath);
  for (const name of params) {
    if (!columns[name] && !parents.has(name)) {
      throw new Error(
        `resource("${path}"): param ":${name}" is neither a column of the table nor a declared parent; add the column or rename the param.`,
      );
    }
  }
  const numeric = (name: string) =>
    (parents.get(name)?.keyColumn ?? columns[name])?.dataType === "number";
  const collectionPattern = routePattern(collectionPath, numeric);
  const names = namesFromPath(collectionPath, options.names);
  return {
    resource,
    model,
    columns,
    names,
    views: { ...scaffoldViews(), ...options.views } as ResourceViews<AnyModel>,
    collectionPath,
    collectionPattern,
    memberPattern: `${collectionPattern}/:${key}${keyColumn.dataType === "number" ? "{[0-9]+}" : ""}`,
    key,
    keyColumn,
    rowColumn: columns.id ?? keyColumn,
    params,
    parents,
    listRules: {
      columns,
      perPage: options.perPage ?? 20,
      maxPerPage: options.maxPerPage ?? 100,
      sortable: options.sortable ?? [],
      defaultSort: options.defaultSort ?? "-id",
      filterable: options.filterable ?? [],
    },
    serializer: serializerRuntime(options.serializer, names),
    owner: ownerRuntime(resource, columns),
  };
}
