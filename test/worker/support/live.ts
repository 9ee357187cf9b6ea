import { env, exports } from "cloudflare:workers";
import type { RoomFrame } from "nimbus/coord";
import type { AppBindings } from "../../../src/app/bindings.ts";

/** The demo's bindings as its code sees them (D1, the coordination objects, vars). */
export const appEnv = env as unknown as AppBindings;

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `check` until it returns something other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(20);
  }
}

/** A list page's socket on the links room, opened through the demo's own `GET /live/links`. */
export class LiveList {
  readonly frames: RoomFrame[] = [];
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const text = String(event.data);
      if (text.startsWith("{")) this.frames.push(JSON.parse(text) as RoomFrame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(since?: number): Promise<LiveList> {
    const query = since === undefined ? "" : `?since=${since}`;
    const res = await exports.default.fetch(
      new Request(`http://nimbus.test/live/links${query}`, { headers: { Upgrade: "websocket" } }),
    );
    if (res.status !== 101 || !res.webSocket) {
      throw new Error(`no WebSocket upgrade: ${res.status} ${await res.text()}`);
    }
    res.webSocket.accept();
    const live = new LiveList(res.webSocket);
    await live.until(() => live.frames.some((f) => f.type === "ready"));
    return live;
  }

  /** The published events received so far, in room order. */
  get events(): unknown[] {
    return this.frames.flatMap((f) => (f.type === "message" ? [f.data] : []));
  }

  /** The room sequence number announced by `ready` (the last message before subscribing). */
  get readySeq(): number {
    const ready = this.frames.find((f) => f.type === "ready");
    return ready?.type === "ready" ? ready.seq : -1;
  }

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
