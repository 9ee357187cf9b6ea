/**
 * A node's weight for the gateway, from what the node is doing: requests in flight and how long
 * a trivial request waits inside workerd (its event-loop delay, measured from outside because
 * workerd exposes no event-loop clock to the Worker).
 */

/** Smoothed signals of one node. */
export interface LoadSignals {
  /** Requests in flight (smoothed). */
  inFlight: number;
  /** Round trip of the load report, milliseconds (smoothed). */
  delayMs: number;
}

/** Delay a healthy, idle node shows (loopback round trip + routing): not counted against it. */
const BASELINE_MS = 5;
/** Each this many ms of extra delay takes the weight down a step (100 → 50 → 33 …). */
const DELAY_STEP_MS = 10;
/** Each this many requests in flight does the same. */
const IN_FLIGHT_STEP = 16;

/** Percent of the configured weight, 1..100 (HAProxy's agent-check answer `NN%`). */
export function weightPercent(signals: LoadSignals): number {
  // A signal that is not a number counts as none (a report that could not be read).
  const delay = Math.max(0, (signals.delayMs || 0) - BASELINE_MS) / DELAY_STEP_MS;
  const busy = Math.max(0, signals.inFlight || 0) / IN_FLIGHT_STEP;
  const weight = 100 / ((1 + delay) * (1 + busy));
  return Math.max(1, Math.min(100, Math.round(weight)));
}

/** Exponentially weighted moving average: `alpha` of the new sample. */
export function smooth(previous: number | undefined, sample: number, alpha = 0.3): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}

/** The agent-check line: `drain` while leaving, otherwise a weight and ready/up. */
export function agentAnswer(state: "serving" | "draining" | "down", signals: LoadSignals): string {
  if (state === "draining") return "drain\n";
  if (state === "down") return "down\n";
  return `up ready ${weightPercent(signals)}%\n`;
}
