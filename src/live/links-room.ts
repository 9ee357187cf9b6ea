import { type AppContext, coord } from "../bindings.ts";

/** The room every link list subscribes to (`GET /live/links`). */
export const LINKS_ROOM = "links";

/** What the links room carries; the list page's script applies each one as it arrives. */
export type LinkEvent =
  | { type: "link"; id: number; title: string; url: string }
  | { type: "vote"; id: number; votes: number };

/** Sends `event` to every open link list. */
export function announce(c: AppContext, event: LinkEvent): Promise<void> {
  return c.var.defer(
    () => coord(c).publish(LINKS_ROOM, event),
    `publish ${event.type} to room ${LINKS_ROOM}`,
  );
}
