import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { namesFromPath } from "./names.ts";
import type { ListRules } from "./query.ts";
import { scaffoldViews } from "./scaffold-views.tsx";
import { paramNames, routePattern } from "./scope.ts";
import type { AnyModel, Resource, ResourceNames, ResourceViews } from "./types.ts";

/** Everything about a resource that doesn't change between requests, worked out once at mount. */
export interface ResourceRuntime {
  resource: Resource;
  model: AnyModel;
  columns: Record<string, SQLiteColumn>;
  names: ResourceNames;
  views: ResourceViews<AnyModel>;
  /** The Hono pattern of the collection, with integer params restricted to digits. */
  collectionPattern: string;
  memberPattern: string;
  parentParams: string[];
  listRules: ListRules;
}

export function resourceRuntime(resource: Resource): ResourceRuntime {
  const { model, options, path } = resource;
  const columns = model.columns;
  const collectionPattern = routePattern(path, columns);
  for (const name of paramNames(path)) {
    if (!columns[name] && !options.parents?.[name as never]) {
      throw new Error(
        `resource("${path}"): param ":${name}" is neither a column of the table nor a declared parent; add the column or rename the param.`,
      );
    }
  }
  return {
    resource,
    model,
    columns,
    names: namesFromPath(path, options.names),
    views: { ...scaffoldViews(), ...options.views } as ResourceViews<AnyModel>,
    collectionPattern,
    memberPattern: `${collectionPattern}/:id{[0-9]+}`,
    parentParams: paramNames(path),
    listRules: {
      columns,
      perPage: options.perPage ?? 20,
      maxPerPage: options.maxPerPage ?? 100,
      sortable: options.sortable ?? [],
      defaultSort: options.defaultSort ?? "-id",
      filterable: options.filterable ?? [],
    },
  };
}
