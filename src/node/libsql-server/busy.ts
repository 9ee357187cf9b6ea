/**
 * Waiting for SQLite's write lock without blocking the event loop. Every connection lives in
 * this one thread, so a blocking busy_timeout could never see the lock released: connections
 * run with busy_timeout=0 and a statement that meets SQLITE_BUSY waits here, asynchronously,
 * until some statement finishes (the holder may have committed) or a short poll elapses (the
 * holder may be another process), then runs again — up to the configured busy timeout.
 * A write that ended wakes one waiter, the one waiting longest: only one writer can take the
 * lock, and waking them all made every waiter retry (an SQLITE_BUSY error and a thread hop each)
 * after every statement of the holder — most of the server's CPU under concurrent transactions.
 */
import { isRetryableBusy } from "./errors.ts";

/** One statement's place in the queue for the write lock, kept across its retries. */
class Ticket {
  wake: (() => void) | undefined;
}

export class LockWaiters {
  /** In arrival order: the oldest is woken first, and keeps its place when it has to wait again. */
  #queue = new Set<Ticket>();

  /** Wakes the longest waiter; called whenever a write ended (the lock may be free). */
  notify(): void {
    for (const ticket of this.#queue) {
      if (ticket.wake === undefined) continue;
      ticket.wake();
      return;
    }
  }

  /** Takes a place in the queue; leave() it once the statement ran or gave up. */
  enter(): Ticket {
    const ticket = new Ticket();
    this.#queue.add(ticket);
    return ticket;
  }

  leave(ticket: Ticket): void {
    this.#queue.delete(ticket);
  }

  /** Waits until notify() reaches this ticket or `ms` pass (the holder may be another process). */
  wait(ticket: Ticket, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => ticket.wake?.(), ms);
      ticket.wake = () => {
        clearTimeout(timer);
        ticket.wake = undefined;
        resolve();
      };
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
  let pollMs = 2;
  let ticket: Ticket | undefined;
  try {
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        const left = deadline - Date.now();
        if (!isRetryableBusy(err) || left <= 0) throw err;
        ticket ??= waiters.enter();
        await waiters.wait(ticket, Math.min(pollMs, left));
        // Writers in this process wake the queue when they end; polling is for other processes.
        pollMs = Math.min(pollMs * 2, 100);
      }
    }
  } finally {
    if (ticket !== undefined) waiters.leave(ticket);
  }
}
