import type { NimbusContext } from "nimbus-web";
import { coord } from "../bindings.ts";

/** The room every link list subscribes to (`GET /live/links`). */
export const LINKS_ROOM = "links";

/** What the links room carries; the list page's script applies each one as it arrives. */
export type LinkEvent =
  | { type: "link"; id: number; title: string; url: string }
  | { type: "vote"; id: number; votes: number };

/**
 * Runs `work` after the response when the runtime can (`waitUntil`), else before it. A failure
 * is logged, never thrown: the write it follows has already succeeded.
 */
export async function afterResponse(
  c: NimbusContext,
  what: string,
  work: () => Promise<unknown>,
): Promise<void> {
  const task = work().then(
    () => undefined,
    (error: unknown) =>
      console.error(
        JSON.stringify({
          level: "error",
          msg: `${what} failed`,
          requestId: c.var.requestId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      ),
  );
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // No ExecutionContext (app.request() in a unit test): finish before responding.
  }
  if (ctx) ctx.waitUntil(task);
  else await task;
}

/** Sends `event` to every open link list. */
export function announce(c: NimbusContext, event: LinkEvent): Promise<void> {
  return afterResponse(c, `publish ${event.type} to room ${LINKS_ROOM}`, () =>
    coord(c).publish(LINKS_ROOM, event),
  );
}
