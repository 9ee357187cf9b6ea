import { DurableObject } from "cloudflare:workers";
import { type CoordBindings, roomStub } from "./bindings.ts";
import { once } from "./calls.ts";

// Rooms use the WebSocket Hibernation API: the object keeps no state in memory, so it
// can be evicted while sockets stay open, and idle subscribers cost nothing.

/** Messages kept per room for reconnecting clients, unless the `NIMBUS_ROOM_BACKLOG` var says otherwise. */
const ROOM_BACKLOG = 1000;
const MAX_MESSAGE_BYTES = 1 << 20;
/** Sockets one client may hold open in one room unless `maxPerClient` says otherwise. */
const MAX_PER_CLIENT = 16;

/**
 * What a subscriber receives, one JSON text frame each:
 * - `message`: a published message and its room sequence number (1, 2, 3, ... in order);
 * - `gap`: messages `from`..`to` fell out of the backlog and cannot be replayed;
 * - `ready`: the replay is over; `seq` is the latest sequence number of the room.
 */
export type RoomFrame<T = unknown> =
  | { type: "message"; seq: number; data: T }
  | { type: "gap"; from: number; to: number }
  | { type: "ready"; seq: number };

const DDL =
  "CREATE TABLE IF NOT EXISTS nimbus_room_log (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)";

const frame = (seq: number, json: string) => `{"type":"message","seq":${seq},"data":${json}}`;

/**
 * The Durable Object behind a room: one per room name. Bind it as `NIMBUS_ROOM` and
 * re-export it from your worker entry.
 */
export class NimbusRoom extends DurableObject<CoordBindings> {
  readonly #backlog: number;

  constructor(ctx: DurableObjectState, env: CoordBindings) {
    super(ctx, env);
    const backlog = Number(env.NIMBUS_ROOM_BACKLOG);
    this.#backlog = Number.isSafeInteger(backlog) && backlog > 0 ? backlog : ROOM_BACKLOG;
    ctx.storage.sql.exec(DDL);
    // Keep-alives answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Accepts a WebSocket upgrade; replays messages after `?since=` before going live. */
  override fetch(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade (Upgrade: websocket)", { status: 426 });
    }
    const url = new URL(request.url);
    const tags = url.searchParams.getAll("tag");
    const owner = url.searchParams.get("client");
    if (owner !== null) {
      // Checked and accepted with no await between: concurrent upgrades cannot both slip under.
      const max = Number(url.searchParams.get("max") ?? MAX_PER_CLIENT);
      const tag = `client:${owner}`;
      if (this.ctx.getWebSockets(tag).length >= max) {
        return new Response(`At most ${max} open connections per client in this room.`, {
          status: 429,
          headers: { "Retry-After": "30" },
        });
      }
      tags.push(tag);
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, tags);
    // Replay and registration happen without an await: no publish can slip in between.
    const since = Number(url.searchParams.get("since") ?? Number.NaN);
    const { sql } = this.ctx.storage;
    const { first, last } = sql
      .exec<{ first: number | null; last: number | null }>(
        "SELECT min(seq) AS first, max(seq) AS last FROM nimbus_room_log",
      )
      .one();
    if (Number.isSafeInteger(since) && since >= 0) {
      // A client ahead of the room (storage was reset) starts over from the backlog.
      const from = since > (last ?? 0) ? 0 : since;
      if (first !== null && from + 1 < first) {
        server.send(JSON.stringify({ type: "gap", from: from + 1, to: first - 1 }));
      }
      const rows = sql.exec<{ seq: number; data: string }>(
        "SELECT seq, data FROM nimbus_room_log WHERE seq > ? ORDER BY seq",
        from,
      );
      for (const row of rows) server.send(frame(row.seq, row.data));
    }
    server.send(JSON.stringify({ type: "ready", seq: last ?? 0 }));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Appends `json` to the log and sends it to every subscriber; returns its sequence number. */
  publish(json: string): number {
    const { sql } = this.ctx.storage;
    const { seq } = sql
      // seq is the table's rowid: SQLite numbers a new row max(seq) + 1 (1 in an empty log), what
      // the log always used, without a subquery.
      .exec<{ seq: number }>("INSERT INTO nimbus_room_log (data) VALUES (?) RETURNING seq", json)
      .one();
    sql.exec("DELETE FROM nimbus_room_log WHERE seq <= ?", seq - this.#backlog);
    const text = frame(seq, json);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // A socket closing right now; its client resumes with ?since= when it reconnects.
      }
    }
    return seq;
  }

  /** `publish` at most once per `callId` (a node retrying after a lost answer over the network). */
  async onceCall(callId: string, method: string, args: unknown[]): Promise<unknown> {
    if (method !== "publish") throw new TypeError(`not a room write: ${method}`);
    return await once(this.ctx.storage, callId, () => this.publish(String(args[0])));
  }

  /** Open sockets in the room, optionally only those with `tag`. */
  size(tag?: string): number {
    return this.ctx.getWebSockets(tag).length;
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "ping") return;
    // Clients never publish directly: the app publishes after checking who may.
    ws.send(
      JSON.stringify({
        type: "error",
        message: "rooms are read-only for clients; publish through the app",
      }),
    );
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    // 1005 (no code given) and 1006 (dropped) may not be sent back; answer those with a normal close,
    // or the client waits for a close frame that never comes.
    const reply = code === 1005 || code === 1006 ? 1000 : code;
    try {
      ws.close(reply, reason);
    } catch {
      // Already closed.
    }
  }
}

/** How a socket joins a room. */
export interface ConnectOptions {
  /** Labels for `size(tag)`, e.g. `user:42`. */
  tags?: string[];
  /**
   * Who is connecting (e.g. `clientAddress(c)`): one client may hold at most `maxPerClient`
   * sockets in the room (default 16); past that the upgrade is answered 429.
   */
  client?: string;
  maxPerClient?: number;
}

/** A publish/subscribe room over WebSockets. */
export interface Room<T = unknown> {
  /** Sends `message` (JSON-serialisable) to every subscriber; returns its sequence number. */
  publish(message: T): Promise<number>;
  /**
   * Answers a WebSocket upgrade request with the 101 response that subscribes it.
   * A reconnecting client passes its last seen sequence number as `?since=N` in the URL.
   * `tags` label the socket (e.g. `user:42`) for `size(tag)`.
   */
  connect(request: Request, options?: ConnectOptions): Promise<Response>;
  /** How many sockets are subscribed (with `tag`, if given). */
  size(tag?: string): Promise<number>;
}

export function room<T = unknown>(env: CoordBindings, name: string): Room<T> {
  const stub = roomStub(env, name);
  return {
    async publish(message) {
      const json = JSON.stringify(message);
      if (json === undefined)
        throw new TypeError(`nimbus/coord: room "${name}" got a message JSON cannot encode`);
      if (json.length > MAX_MESSAGE_BYTES) {
        throw new RangeError(
          `nimbus/coord: room "${name}" message is ${json.length} bytes; the limit is 1 MiB`,
        );
      }
      return await stub.publish(json);
    },
    async connect(request, options = {}) {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response(`Room "${name}" expects a WebSocket upgrade (Upgrade: websocket)`, {
          status: 426,
          headers: { Upgrade: "websocket" },
        });
      }
      const url = new URL("https://nimbus-room/");
      const since = new URL(request.url).searchParams.get("since");
      if (since !== null) url.searchParams.set("since", since);
      for (const tag of options.tags ?? []) url.searchParams.append("tag", tag);
      if (options.client !== undefined) {
        url.searchParams.set("client", options.client);
        url.searchParams.set("max", String(options.maxPerClient ?? MAX_PER_CLIENT));
      }
      const res = await stub.fetch(new Request(url, { headers: request.headers }));
      // A Durable Object's response has immutable headers; middleware (security headers,
      // request ids) adds headers to every response, so hand back a mutable copy.
      return new Response(res.body, {
        status: res.status,
        headers: res.headers,
        webSocket: res.webSocket,
      });
    },
    async size(tag) {
      return await stub.size(tag);
    },
  };
}
