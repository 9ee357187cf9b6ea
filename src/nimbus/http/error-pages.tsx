import type { Context } from "hono";
import type { NimbusEnv } from "../env.ts";
import { HttpError, ValidationFailed } from "./errors.ts";
import { type ErrorFormatter, formattedProblem, problemDetails } from "./problem.ts";

function isDevelopment(c: Context<NimbusEnv>): boolean {
  return c.env?.NIMBUS_ENV === "development";
}

function withHeaders(res: Response, headers: Readonly<Record<string, string>>): Response {
  for (const [name, value] of Object.entries(headers)) res.headers.set(name, value);
  return res;
}

function httpErrorIn(error: Error): HttpError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HttpError) return e;
  }
  return undefined;
}

/**
 * Known errors answer with their status; anything else is logged and answers 500 (with the stack in
 * development). JSON clients get problem details, or what the app's `formatError` makes of them.
 */
export async function errorResponse(
  error: Error,
  c: Context<NimbusEnv>,
  formatError?: ErrorFormatter,
): Promise<Response> {
  const json = c.get("format") === "json";
  // An HttpError wrapped by a library on its way up (drizzle wraps a failed query's error) keeps its status.
  const http = httpErrorIn(error);
  if (http) error = http;
  if (error instanceof HttpError) {
    const fields = error instanceof ValidationFailed ? error.fields : undefined;
    if (json) {
      const details = problemDetails(c, error.status, error.title, error.message, fields);
      return withHeaders(formattedProblem(c, details, formatError), error.headers);
    }
    const page = await c.render(
      <>
        <h1>{error.title}</h1>
        <p>{error.message}</p>
      </>,
      { title: error.title, status: error.status },
    );
    return withHeaders(page, error.headers);
  }
  console.error(
    JSON.stringify({
      level: "error",
      msg: error.message,
      requestId: c.get("requestId"),
      stack: error.stack,
    }),
  );
  const detail = isDevelopment(c)
    ? (error.stack ?? error.message)
    : "Something went wrong on our side. It was logged.";
  if (json) {
    const details = problemDetails(c, 500, "Internal Server Error", detail);
    return formattedProblem(c, details, formatError);
  }
  return c.render(
    <>
      <h1>Something went wrong</h1>
      {isDevelopment(c) ? <pre>{detail}</pre> : <p>{detail}</p>}
      <p>Request id: {c.get("requestId")}</p>
    </>,
    { title: "Internal Server Error", status: 500 },
  );
}

export function notFoundResponse(
  c: Context<NimbusEnv>,
  formatError?: ErrorFormatter,
): Promise<Response> {
  return errorResponse(
    new HttpError(404, "Not Found", `Nothing is at ${c.req.path}.`),
    c,
    formatError,
  );
}
