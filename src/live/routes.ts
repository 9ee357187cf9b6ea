import { clientAddress } from "nimbus-web";
import { type AppContext, coord } from "../bindings.ts";
import { LINKS_ROOM } from "./links-room.ts";

/** `GET /live/links`: the WebSocket the list page subscribes with (`?since=<seq>` to resume). */
export async function linksLive(c: AppContext): Promise<Response> {
  // Nimbus checks the Origin of every upgrade; here, at most 16 sockets per known client address.
  const client = clientAddress(c);
  return coord(c).connect(LINKS_ROOM, c.req.raw, client ? { client } : {});
}
