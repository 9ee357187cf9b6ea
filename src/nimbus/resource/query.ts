import { and, asc, type Column, desc, eq, type SQL } from "drizzle-orm";
import { BadRequest } from "../http/errors.ts";
import { coerceFormValue } from "../model/coerce.ts";

export interface ListQuery {
  page: number;
  perPage: number;
  orderBy: SQL;
  where: SQL | undefined;
  /** Sort and filter params to carry over to the next page's link. */
  kept: URLSearchParams;
}

export interface ListRules {
  columns: Record<string, Column>;
  perPage: number;
  maxPerPage: number;
  sortable: readonly string[];
  defaultSort: string;
  filterable: readonly string[];
}

function positiveInteger(name: string, text: string | null, fallback: number, max: number): number {
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new BadRequest(`?${name} must be a whole number from 1 to ${max}; got "${text}".`);
  }
  return value;
}

function order(sort: string, rules: ListRules): SQL {
  const descending = sort.startsWith("-");
  const key = descending ? sort.slice(1) : sort;
  const column = rules.columns[key];
  if (!column || (sort !== rules.defaultSort && !rules.sortable.includes(key))) {
    const allowed = rules.sortable.length > 0 ? rules.sortable.join(", ") : "none";
    throw new BadRequest(
      `Cannot sort by "${key}". Sortable fields: ${allowed} (prefix "-" for descending).`,
    );
  }
  return descending ? desc(column) : asc(column);
}

const MAX_PAGE = 1_000_000;

/** Reads ?page, ?per_page, ?sort and ?filter[field]; anything undeclared or out of range is a 400. */
export function parseListQuery(url: URL, rules: ListRules): ListQuery {
  const params = url.searchParams;
  const page = positiveInteger("page", params.get("page"), 1, MAX_PAGE);
  const perPage = positiveInteger(
    "per_page",
    params.get("per_page"),
    rules.perPage,
    rules.maxPerPage,
  );
  const sort = params.get("sort") ?? rules.defaultSort;
  const kept = new URLSearchParams();
  if (params.has("sort")) kept.set("sort", sort);
  if (params.has("per_page")) kept.set("per_page", String(perPage));
  const conditions: SQL[] = [];
  for (const [name, value] of params) {
    const field = /^filter\[(\w+)\]$/.exec(name)?.[1];
    if (!field) continue;
    const column = rules.columns[field];
    if (!column || !rules.filterable.includes(field)) {
      const allowed = rules.filterable.length > 0 ? rules.filterable.join(", ") : "none";
      throw new BadRequest(`Cannot filter by "${field}". Filterable fields: ${allowed}.`);
    }
    conditions.push(eq(column, coerceFormValue(column, value)));
    kept.append(name, value);
  }
  return { page, perPage, orderBy: order(sort, rules), where: and(...conditions), kept };
}
