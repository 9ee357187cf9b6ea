import type { RoomFrame } from "../coord/room.ts";

/** Anything that answers a fetch: `exports.default` in a worker test, a service binding, a stub. */
export interface FetchTarget {
  fetch(request: Request): Promise<Response>;
}

/** A test client of a room: subscribes through the app's upgrade route and records every frame. */
export class RoomSubscriber {
  readonly frames: RoomFrame[] = [];
  /** Every frame's text as received, JSON or not. */
  readonly raw: string[] = [];
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const text = String(event.data);
      this.raw.push(text);
      if (text.startsWith("{")) this.frames.push(JSON.parse(text) as RoomFrame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Opens `url` with `Upgrade: websocket` and waits for the room's `ready` frame. */
  static async open(target: FetchTarget, url: string): Promise<RoomSubscriber> {
    const res = await target.fetch(new Request(url, { headers: { Upgrade: "websocket" } }));
    if (res.status !== 101 || !res.webSocket) {
      throw new Error(`no WebSocket upgrade at ${url}: ${res.status} ${await res.text()}`);
    }
    res.webSocket.accept();
    const subscriber = new RoomSubscriber(res.webSocket);
    await subscriber.until(() => subscriber.frames.some((f) => f.type === "ready"));
    return subscriber;
  }

  /** Sequence numbers of the message frames received so far. */
  get seqs(): number[] {
    return this.frames.flatMap((f) => (f.type === "message" ? [f.seq] : []));
  }

  /** The published messages received so far, in room order. */
  get events(): unknown[] {
    return this.frames.flatMap((f) => (f.type === "message" ? [f.data] : []));
  }

  /** The room's sequence number announced by `ready` (the last message before subscribing). */
  get readySeq(): number {
    const ready = this.frames.find((f) => f.type === "ready");
    return ready?.type === "ready" ? ready.seq : -1;
  }

  /** Waits until `done()` holds, re-checking on every frame; fails after `ms`. */
  async until(done: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`socket: condition not met within ${ms} ms`);
      await new Promise<void>((wake) => {
        this.#waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}
