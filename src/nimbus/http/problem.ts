import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldErrors } from "./errors.ts";

/** Writes an RFC 9457 problem details response. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  detail: string,
  errors?: FieldErrors,
): Response {
  const body = {
    type: "about:blank",
    title,
    status,
    detail,
    instance: new URL(c.req.url).pathname,
    ...(errors && { errors }),
  };
  return c.body(JSON.stringify(body), status, { "Content-Type": "application/problem+json" });
}
