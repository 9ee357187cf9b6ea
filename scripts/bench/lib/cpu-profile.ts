// V8 CPU profiles of a running process over the inspector protocol (Node's --inspect, workerd's
// --inspector-addr): started and stopped around one measured run, written as .cpuprofile files
// that Chrome DevTools (or summarize-profile.ts) reads.
import WebSocket from "ws";

export interface Profiler {
  start(): Promise<void>;
  /** Stops and returns the profile (JSON, the .cpuprofile format). */
  stop(): Promise<unknown>;
  close(): void;
}

/** The first inspector target listed at `http://host:port/json` (workerd: the user worker). */
export async function inspectorTarget(port: number, prefer?: string): Promise<string> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    id: string;
    webSocketDebuggerUrl?: string;
  }[];
  const target = list.find((t) => prefer === undefined || t.id.startsWith(prefer)) ?? list[0];
  if (!target) throw new Error(`no inspector target on port ${port}`);
  return target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`;
}

export async function connectProfiler(url: string, sampleIntervalUs = 100): Promise<Profiler> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: sampleIntervalUs });
  return {
    start: async () => {
      await send("Profiler.start");
    },
    stop: async () => ((await send("Profiler.stop")) as { profile: unknown }).profile,
    close: () => ws.close(),
  };
}
