import type { Context } from "hono";

/** The runtime's ExecutionContext, or undefined where there is none (`app.request()` in a test). */
function executionContext(c: Context): { waitUntil(promise: Promise<unknown>): void } | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** `c.var.defer`: work after the response (`waitUntil`), else before it; failures are logged, not thrown. */
export function deferFor(c: Context) {
  return async (work: () => Promise<unknown> | unknown, what = "deferred work"): Promise<void> => {
    const task = (async () => work())().then(
      () => undefined,
      (error: unknown) =>
        console.error(
          JSON.stringify({
            level: "error",
            msg: `${what} failed`,
            requestId: c.get("requestId"),
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          }),
        ),
    );
    const ctx = executionContext(c);
    if (ctx) ctx.waitUntil(task);
    else await task;
  };
}
