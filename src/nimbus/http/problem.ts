import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldErrors } from "./errors.ts";

/** An RFC 9457 problem: what every JSON error of Nimbus says, before an app's formatter reshapes it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: ContentfulStatusCode;
  detail: string;
  /** The request path. */
  instance: string;
  /** Field name → messages, on a 422. */
  errors?: FieldErrors;
}

/** Reshapes every JSON error of the app: return the body to send (the status stays), or a Response. */
export type ErrorFormatter = (problem: ProblemDetails, c: Context) => unknown;

export function problemDetails(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  detail: string,
  errors?: FieldErrors,
): ProblemDetails {
  return {
    type: "about:blank",
    title,
    status,
    detail,
    instance: new URL(c.req.url).pathname,
    ...(errors && { errors }),
  };
}

/** Writes an RFC 9457 problem details response (`application/problem+json`). */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  detail: string,
  errors?: FieldErrors,
): Response {
  const body = problemDetails(c, status, title, detail, errors);
  return c.body(JSON.stringify(body), status, { "Content-Type": "application/problem+json" });
}

/** The problem as the app's formatter shapes it, or as problem+json when there is none. */
export function formattedProblem(
  c: Context,
  details: ProblemDetails,
  formatter: ErrorFormatter | undefined,
): Response {
  if (!formatter) {
    return c.body(JSON.stringify(details), details.status, {
      "Content-Type": "application/problem+json",
    });
  }
  const shaped = formatter(details, c);
  if (shaped instanceof Response) return shaped;
  return c.json(shaped as object, details.status);
}
