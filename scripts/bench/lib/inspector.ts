// A client for the V8 inspector protocol (Node's --inspect, workerd's --inspector-addr), as the
// bench and soak scripts use it: pick a target, send numbered commands over its WebSocket and
// await the answer with the same id; plus CPU profiles started and stopped around a measured run.
import WebSocket from "ws";
import type { CpuProfile } from "./profile-summary.ts";

/** One debuggable target as `http://127.0.0.1:PORT/json/list` lists it (workerd: one per isolate). */
export interface InspectorTarget {
  /** workerd: `core:user:NAME` for the Worker NAME; Node: a UUID. */
  id: string;
  title?: string;
  webSocketDebuggerUrl?: string;
}

/** A target and the WebSocket URL to debug it. */
export interface FoundTarget {
  target: InspectorTarget;
  url: string;
}

/** The first target on the inspector at 127.0.0.1:`port` that `pick` accepts (any, by default). */
export async function findTarget(
  port: number,
  pick: (target: InspectorTarget) => boolean = () => true,
): Promise<FoundTarget> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  const targets = (await res.json()) as InspectorTarget[];
  const target = targets.find(pick);
  if (!target)
    throw new Error(`no such inspector target on port ${port}: ${JSON.stringify(targets)}`);
  // workerd lists a path without scheme and host in webSocketDebuggerUrl.
  const listed = target.webSocketDebuggerUrl;
  const url = listed?.startsWith("ws") ? listed : `ws://127.0.0.1:${port}/${target.id}`;
  return { target, url };
}

/** An open inspector connection. */
export interface InspectorSession {
  /** Sends one command; resolves with its result, rejects on an error answer, a timeout or a closed socket. */
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

/** Connects to a target's WebSocket URL; each command gets `timeoutMs` to be answered. */
export async function openSession(url: string, timeoutMs = 60_000): Promise<InspectorSession> {
  const ws = new WebSocket(url);
  await new Promise((open, fail) => {
    ws.once("open", open);
    ws.once("error", fail);
  });
  let lastId = 0;
  const waiting = new Map<number, { done(result: unknown): void; fail(error: Error): void }>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    const call = message.id === undefined ? undefined : waiting.get(message.id);
    if (!call) return; // an event, or an answer already given up on
    if (message.error) call.fail(new Error(message.error.message));
    else call.done(message.result ?? {});
  });
  ws.on("close", () => {
    for (const call of waiting.values()) call.fail(new Error("inspector connection closed"));
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = ++lastId;
      return new Promise<T>((done, fail) => {
        const timer = setTimeout(
          () => finish(() => fail(new Error(`${method}: no answer in ${timeoutMs} ms`))),
          timeoutMs,
        );
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiting.delete(id);
          then();
        };
        waiting.set(id, {
          done: (result) => finish(() => done(result as T)),
          fail: (error) => finish(() => fail(new Error(`${method}: ${error.message}`))),
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

/** V8's sampling CPU profiler in one inspector target. */
export interface Profiler {
  start(): Promise<void>;
  /** Stops and returns the profile (the .cpuprofile format Chrome DevTools opens). */
  stop(): Promise<CpuProfile>;
  close(): void;
}

/** Connects to `url` and readies its profiler to sample every `sampleIntervalUs` µs. */
export async function connectProfiler(url: string, sampleIntervalUs = 100): Promise<Profiler> {
  const session = await openSession(url);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: sampleIntervalUs });
  return {
    start: async () => {
      await session.send("Profiler.start");
    },
    stop: async () => (await session.send<{ profile: CpuProfile }>("Profiler.stop")).profile,
    close: () => session.close(),
  };
}
