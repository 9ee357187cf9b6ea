import type { Context } from "hono";
import { type AnyNimbusEnv, nimbusVar } from "../env.ts";
import { hasBody } from "../http/body.ts";

const BASE = "http://return-path.invalid";

/**
 * `value` as a path on this site, or null: it must start with one `/` (never `//` or `/\`,
 * which browsers read as another host), hold no control characters or backslashes, and stay
 * on this origin once parsed. Non-ASCII is percent-encoded, so the result is always a valid
 * Location header.
 */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 2048) return null;
  if (!value.startsWith("/") || value.startsWith("//")) return null;
  // Tabs and newlines are dropped by URL parsing: "/\t/evil.example" would become "//evil.example".
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return null;
  }
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  return url.pathname + url.search + url.hash;
}

/**
 * Where a form asked to go back to (its `field`, default `back`, in the form body or the query),
 * if that is a safe path on this site; otherwise `fallback`. Reads an already-checked body.
 */
export async function returnPath<E extends AnyNimbusEnv>(
  c: Context<E>,
  fallback: string,
  field = "back",
): Promise<string> {
  let value: unknown = c.req.query(field);
  if (value === undefined && hasBody(c.req.raw)) {
    const body = await nimbusVar(c, "body")();
    value = body.data[field];
  }
  return safeReturnPath(value) ?? fallback;
}
