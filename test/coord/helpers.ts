import { env, exports } from "cloudflare:workers";
import type { CoordBindings, RoomFrame } from "../../src/nimbus/coord/index.ts";

/** The fixture's bindings, typed. */
export const coordEnv = env as unknown as CoordBindings;

/** The fixture worker (test/coord/worker.ts) as a fetcher. */
export const worker = (exports as unknown as { default: Fetcher }).default;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(20);
  }
}

/** A client socket subscribed to a room through the fixture worker's upgrade route. */
export class Subscriber {
  readonly frames: RoomFrame[] = [];
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

  static async open(room: string, since?: number): Promise<Subscriber> {
    const query = since === undefined ? "" : `?since=${since}`;
    const res = await worker.fetch(`http://app/rooms/${room}${query}`, {
      headers: { Upgrade: "websocket" },
    });
    if (res.status !== 101 || !res.webSocket) throw new Error(`no upgrade: ${res.status}`);
    res.webSocket.accept();
    const sub = new Subscriber(res.webSocket);
    await sub.until(() => sub.frames.some((f) => f.type === "ready"));
    return sub;
  }

  /** Sequence numbers of the message frames received so far. */
  get seqs(): number[] {
    return this.frames.flatMap((f) => (f.type === "message" ? [f.seq] : []));
  }

  async until(done: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`socket: condition not met within ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}
