// The JS heap of a workerd isolate, read through its V8 inspector (`workerd serve
// --inspector-addr`): a full garbage collection first, so what is left is what the app holds.
// Tells memory the app keeps from garbage V8 has not collected yet, which RSS alone can't.
import { findTarget, type InspectorSession, openSession } from "../bench/lib/inspector.ts";

export interface HeapUsage {
  usedMiB: number;
  totalMiB: number;
}

/** Collects garbage in the isolate, then reads its heap; undefined if the inspector can't tell. */
export async function jsHeapAfterGc(port: number): Promise<HeapUsage | undefined> {
  let session: InspectorSession | undefined;
  try {
    const { url } = await findTarget(port, (t) => t.webSocketDebuggerUrl !== undefined);
    session = await openSession(url, 30_000);
    await session.send("HeapProfiler.collectGarbage");
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
