import type { NimbusContext } from "nimbus";
import { coord } from "../bindings.ts";
import { LINKS_ROOM } from "./links-room.ts";

/** `GET /live/links`: the WebSocket the list page subscribes with (`?since=<seq>` to resume). */
export async function linksLive(c: NimbusContext): Promise<Response> {
  const res = await coord(c).connect(LINKS_ROOM, c.req.raw);
  // The room's 101 comes from a Durable Object with immutable headers; Nimbus's middleware
  // (security headers, request id) writes headers on every response, so hand on a copy.
  return new Response(res.body, {
    status: res.status,
    headers: res.headers,
    webSocket: res.webSocket,
  });
}
