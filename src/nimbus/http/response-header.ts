import type { Context } from "hono";

/**
 * Sets (or appends) a header on the request's response from middleware that runs after the
 * handler. Hono's `c.header()` at that point copies the response into a new one around its body
 * stream, which makes workerd pump a buffered page through a stream: on a cached page that
 * costs more than the rest of the request. Headers of a response made here are mutable; one
 * passed through from `fetch()` is not, and then `c.header()` does the copy.
 */
export function setResponseHeader(
  c: Context,
  name: string,
  value: string,
  options: { append?: boolean } = {},
): void {
  if (c.finalized) {
    try {
      if (options.append) c.res.headers.append(name, value);
      else c.res.headers.set(name, value);
      return;
    } catch {
      // Immutable headers: fall through to Hono's copy.
    }
  }
  c.header(name, value, options);
}
