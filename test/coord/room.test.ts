import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { coordination, type RoomFrame } from "../../src/nimbus/coord/index.ts";
import { coordEnv, Subscriber, worker } from "./helpers.ts";

const coord = coordination(coordEnv);
const BACKLOG = Number(coordEnv.NIMBUS_ROOM_BACKLOG); // 50 in test/coord/wrangler.toml
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("room", () => {
  it("delivers every message to every subscriber, in order", async () => {
    const subs = await Promise.all([1, 2, 3].map(() => Subscriber.open("chat")));
    expect(await coord.room("chat").size("web")).toBe(3);
    // Half through the app's HTTP route, half from here, all at once.
    await Promise.all(
      range(1, 40).map((i) =>
        i % 2
          ? worker.fetch("http://app/rooms/chat", { method: "POST", body: JSON.stringify({ i }) })
          : coord.publish("chat", { i }),
      ),
    );
    for (const sub of subs) {
      await sub.until(() => sub.seqs.length === 40);
      expect(sub.seqs).toEqual(range(1, 40));
      const payloads = sub.frames.flatMap((f) =>
        f.type === "message" ? [(f.data as { i: number }).i] : [],
      );
      expect(new Set(payloads)).toEqual(new Set(range(1, 40)));
    }
    // Every subscriber saw the same order.
    const orderOf = (s: Subscriber) => JSON.stringify(s.frames.filter((f) => f.type === "message"));
    expect(new Set(subs.map(orderOf)).size).toBe(1);
    for (const sub of subs) sub.close();
  });

  it("a reconnecting client resumes from its last seen sequence", async () => {
    const first = await Subscriber.open("news");
    for (const i of range(1, 5)) await coord.publish("news", `m${i}`);
    await first.until(() => first.seqs.length === 5);
    const lastSeen = 3; // pretend the connection dropped after message 3
    first.close();
    for (const i of range(6, 8)) await coord.publish("news", `m${i}`);
    const again = await Subscriber.open("news", lastSeen);
    expect(again.frames).toEqual([
      { type: "message", seq: 4, data: "m4" },
      { type: "message", seq: 5, data: "m5" },
      { type: "message", seq: 6, data: "m6" },
      { type: "message", seq: 7, data: "m7" },
      { type: "message", seq: 8, data: "m8" },
      { type: "ready", seq: 8 },
    ] satisfies RoomFrame[]);
    await coord.publish("news", "m9");
    await again.until(() => again.seqs.includes(9));
    // A fresh client gets no replay, only the latest sequence.
    const fresh = await Subscriber.open("news");
    expect(fresh.frames).toEqual([{ type: "ready", seq: 9 }]);
    again.close();
    fresh.close();
  });

  it("reports a gap when the backlog no longer covers the resume point", async () => {
    const r = coord.room<number>("busy");
    expect(BACKLOG).toBe(50);
    await Promise.all(range(1, BACKLOG + 5).map((i) => r.publish(i)));
    const late = await Subscriber.open("busy", 2);
    expect(late.frames[0]).toEqual({ type: "gap", from: 3, to: 5 });
    expect(late.seqs).toEqual(range(6, BACKLOG + 5));
    late.close();
  });

  it("keeps sockets across hibernation (the object is evicted, clients stay)", async () => {
    const sub = await Subscriber.open("sleepy");
    await coord.publish("sleepy", "before");
    await sub.until(() => sub.seqs.length === 1);
    const ns = coordEnv.NIMBUS_ROOM;
    if (!ns) throw new Error("fixture lacks NIMBUS_ROOM");
    await evictDurableObject(ns.get(ns.idFromName("sleepy")));
    expect(await coord.publish("sleepy", "after")).toBe(2);
    await sub.until(() => sub.seqs.length === 2);
    expect(sub.frames.at(-1)).toEqual({ type: "message", seq: 2, data: "after" });
    // Keep-alives are answered by the runtime, without waking the object.
    sub.ws.send("ping");
    await sub.until(() => sub.raw.includes("pong"));
    sub.close();
  });

  it("refuses plain requests and client messages", async () => {
    const res = await worker.fetch("http://app/rooms/chat");
    expect(res.status).toBe(426);
    expect(await res.text()).toMatch(/expects a WebSocket upgrade/);
    const sub = await Subscriber.open("quiet");
    sub.ws.send("hello");
    await sub.until(() => sub.raw.some((t) => t.includes("read-only")));
    sub.close();
  });
});
