// The JS heap of a workerd isolate, read through its V8 inspector (`workerd serve
// --inspector-addr`): a full garbage collection first, so what is left is what the app holds.
// Tells memory the app keeps from garbage V8 has not collected yet, which RSS alone can't.
import WebSocket from "ws";

export interface HeapUsage {
  usedMiB: number;
  totalMiB: number;
}

async function debuggerUrl(port: number): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  const targets = (await res.json()) as { webSocketDebuggerUrl?: string }[];
  return targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
}

/** Collects garbage in the isolate, then reads its heap; undefined if the inspector can't tell. */
export async function jsHeapAfterGc(port: number): Promise<HeapUsage | undefined> {
  const url = await debuggerUrl(port).catch(() => undefined);
  if (!url) return undefined;
  const socket = new WebSocket(url);
  try {
    await new Promise((done, fail) => {
      socket.once("open", done);
      socket.once("error", fail);
    });
    let id = 0;
    const call = (method: string) =>
      new Promise<Record<string, unknown>>((done, fail) => {
        const mine = ++id;
        const timer = setTimeout(() => fail(new Error(`${method}: no answer`)), 30_000);
        socket.on("message", (data: Buffer) => {
          const message = JSON.parse(data.toString()) as {
            id?: number;
            result?: Record<string, unknown>;
            error?: { message: string };
          };
          if (message.id !== mine) return;
          clearTimeout(timer);
          if (message.error) fail(new Error(`${method}: ${message.error.message}`));
          else done(message.result ?? {});
        });
        socket.send(JSON.stringify({ id: mine, method }));
      });
    await call("HeapProfiler.collectGarbage");
    const usage = (await call("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return { usedMiB: mib(usage.usedSize), totalMiB: mib(usage.totalSize) };
  } catch {
    return undefined;
  } finally {
    socket.close();
  }
}
