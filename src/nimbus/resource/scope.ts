import { type Column, eq } from "drizzle-orm";
import { NotFound } from "../http/errors.ts";
import type { RecordRef, ResourcePaths } from "./types.ts";

const PARAM = /:(\w+)/g;

/** Param names of a pattern, in order: "/links/:linkId/comments" → ["linkId"]. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(PARAM)].map((m) => m[1] as string);
}

/** Integer params only match digits, so "/links/abc" is a 404 and never reaches the database. */
export function routePattern(path: string, numeric: (name: string) => boolean): string {
  return path.replace(PARAM, (_, name: string) =>
    numeric(name) ? `:${name}{[0-9]+}` : `:${name}`,
  );
}

/** A Hono pattern as a RegExp over whole paths (to know which paths are a resource's). */
export function patternRegExp(pattern: string): RegExp {
  let source = "";
  for (const part of pattern.split(/(:\w+(?:\{[^}]*\})?)/)) {
    if (part.startsWith(":")) {
      const custom = /\{([^}]*)\}/.exec(part)?.[1];
      source += custom ? `(?:${custom})` : "[^/]+";
    } else source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Param values typed for their columns; a number too large to be an id is a 404. */
export function paramValue(column: Column | undefined, text: string): string | number {
  if (column?.dataType !== "number" && column !== undefined) return text;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new NotFound();
  return value;
}

/** Condition on one column, typed loosely: the value was already coerced for the column. */
export function equals(column: Column, value: string | number) {
  return eq(column, value);
}

/** The resource's URLs for this request, parent params filled in; members by their key. */
export function pathsFor(
  pattern: string,
  values: Record<string, string | number>,
  key: string,
): ResourcePaths {
  const base = pattern.replace(PARAM, (_, name: string) =>
    encodeURIComponent(String(values[name] ?? "")),
  );
  const keyOf = (ref: RecordRef) =>
    encodeURIComponent(String(typeof ref === "object" ? ref[key] : ref));
  return {
    index: base,
    new: `${base}/new`,
    show: (ref) => `${base}/${keyOf(ref)}`,
    edit: (ref) => `${base}/${keyOf(ref)}/edit`,
  };
}
