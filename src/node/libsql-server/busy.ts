/**
 * Waiting for SQLite's write lock without blocking the event loop. Every connection lives in
 * this one thread, so a blocking busy_timeout could never see the lock released: connections
 * run with busy_timeout=0 and a statement that meets SQLITE_BUSY waits here, asynchronously,
 * until some statement finishes (the holder may have committed) or a short poll elapses (the
 * holder may be another process), then runs again — up to the configured busy timeout.
 */
import { isRetryableBusy } from "./errors.ts";

export class LockWaiters {
  #waiting = new Set<() => void>();

  /** Wakes every waiter; called whenever a statement finished or a connection was released. */
  notify(): void {
    if (this.#waiting.size === 0) return;
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const wake of waiting) wake();
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiting.add(wake);
    });
  }
}

/** Runs `attempt` until it stops failing with SQLITE_BUSY or `timeoutMs` has passed. */
export async function retryWhileBusy<T>(
  attempt: () => T | Promise<T>,
  waiters: LockWaiters,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pollMs = 1;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const left = deadline - Date.now();
      if (!isRetryableBusy(err) || left <= 0) throw err;
      await waiters.wait(Math.min(pollMs, left));
      pollMs = Math.min(pollMs * 2, 50);
    }
  }
}
