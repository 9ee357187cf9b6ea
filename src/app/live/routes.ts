import { type AppContext, coord } from "../bindings.ts";
import { LINKS_ROOM } from "./links-room.ts";

/** `GET /live/links`: the WebSocket the list page subscribes with (`?since=<seq>` to resume). */
export async function linksLive(c: AppContext): Promise<Response> {
  return coord(c).connect(LINKS_ROOM, c.req.raw);
}
