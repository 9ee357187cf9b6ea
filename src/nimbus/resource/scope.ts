import { and, type Column, eq, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { NotFound } from "../http/errors.ts";
import type { ResourcePaths } from "./types.ts";

const PARAM = /:(\w+)/g;

/** Param names of a pattern, in order: "/links/:linkId/comments" → ["linkId"]. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(PARAM)].map((m) => m[1] as string);
}

/** Integer params only match digits, so "/links/abc" is a 404 and never reaches the database. */
export function routePattern(path: string, columns: Record<string, Column>): string {
  return path.replace(PARAM, (_, name: string) =>
    columns[name]?.dataType === "number" ? `:${name}{[0-9]+}` : `:${name}`,
  );
}

/** Param values typed for their columns; a number too large to be an id is a 404. */
export function paramValue(column: Column | undefined, text: string): string | number {
  if (column?.dataType !== "number" && column !== undefined) return text;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new NotFound();
  return value;
}

/** Parent params that are columns of this table restrict every query: /links/1/comments sees link 1's only. */
export function scopeOf(c: Context, parents: string[], columns: Record<string, Column>) {
  const values: Record<string, string | number> = {};
  const conditions: SQL[] = [];
  for (const name of parents) {
    const column = columns[name];
    const value = paramValue(column, c.req.param(name) ?? "");
    values[name] = value;
    if (column) conditions.push(eq(column, value));
  }
  return { values, where: and(...conditions) };
}

/** The resource's URLs for this request, parent params filled in. */
export function pathsFor(pattern: string, values: Record<string, string | number>): ResourcePaths {
  const base = pattern.replace(PARAM, (_, name: string) =>
    encodeURIComponent(String(values[name] ?? "")),
  );
  return {
    index: base,
    new: `${base}/new`,
    show: (id) => `${base}/${id}`,
    edit: (id) => `${base}/${id}/edit`,
  };
}
