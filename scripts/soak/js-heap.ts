// The JS heap of a workerd isolate, read through its V8 inspector (`workerd serve
// --inspector-addr`): a full garbage collection first, so what is left is what the app holds.
// Tells memory the app keeps from garbage V8 has not collected yet, which RSS alone can't.
import { findTarget, type InspectorSession, openSession } from "../bench/lib/inspector.ts";

export interface HeapUsage {
  usedMiB: number;
  totalMiB: number;
}

/**
 * Collects garbage in the isolate, then reads its heap; undefined if the inspector can't tell.
 * workerd answers `HeapProfiler.collectGarbage` only once the isolate runs again: while it is
 * idle (before the load starts, between bursts) one request to `wakeUrl` gets the answer out.
 */
export async function jsHeapAfterGc(port: number, wakeUrl: string): Promise<HeapUsage | undefined> {
  let session: InspectorSession | undefined;
  try {
    const { url } = await findTarget(port, (t) => t.webSocketDebuggerUrl !== undefined);
    session = await openSession(url, 30_000);
    const collected = session.send("HeapProfiler.collectGarbage");
    const wake = setTimeout(() => {
      fetch(wakeUrl).then(
        (res) => res.body?.cancel(),
        () => undefined,
      );
    }, 200);
    await collected.finally(() => clearTimeout(wake));
    const usage = await session.send<{ usedSize: number; totalSize: number }>(
      "Runtime.getHeapUsage",
    );
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return { usedMiB: mib(usage.usedSize), totalMiB: mib(usage.totalSize) };
  } catch {
    return undefined;
  } finally {
    session?.close();
  }
}
