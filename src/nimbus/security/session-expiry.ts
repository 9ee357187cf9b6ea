// Signed-in sessions end on the server's clock, whatever the cookie says: an absolute limit
// from sign-in and an idle limit from the last request. Both times live in the session data
// (signed cookie or server-side store), so a client can neither see nor move them.

/** Session keys Nimbus keeps for a signed-in session: when it signed in and was last seen (ms). */
export const SIGNED_IN_AT = "_signedInAt";
export const SEEN_AT = "_seenAt";

/** Default absolute lifetime of a signed-in session: 30 days from sign-in. */
export const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** Default idle limit of a signed-in session: 14 days without a request. */
export const DEFAULT_IDLE_SECONDS = 14 * 24 * 60 * 60;
/** The last-seen time is written at most this often (a store write), so up to this early. */
const MAX_TOUCH_MS = 60 * 60 * 1000;

export interface SessionLimits {
  maxAgeMs: number;
  idleMs: number;
  /** How stale the last-seen time may get before a request writes it again. */
  touchMs: number;
}

export function sessionLimits(maxAgeSeconds: number, idleSeconds: number): SessionLimits {
  for (const [name, value] of [
    ["maxAgeSeconds", maxAgeSeconds],
    ["idleSeconds", idleSeconds],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`sessions.${name} must be a positive number of seconds, got ${value}`);
    }
  }
  const idleMs = idleSeconds * 1000;
  return { maxAgeMs: maxAgeSeconds * 1000, idleMs, touchMs: Math.min(MAX_TOUCH_MS, idleMs / 10) };
}

function time(data: Record<string, unknown>, key: string): number | undefined {
  const value = data[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** True when this signed-in session is past its absolute or idle limit at `now`. */
export function sessionExpired(
  data: Record<string, unknown>,
  signedIn: boolean,
  now: number,
  limits: SessionLimits,
): boolean {
  if (!signedIn) return false;
  const signedInAt = time(data, SIGNED_IN_AT);
  const seenAt = time(data, SEEN_AT) ?? signedInAt;
  // A session that signed in before these times were kept starts its clock now (see stamp).
  if (signedInAt === undefined || seenAt === undefined) return false;
  return now - signedInAt >= limits.maxAgeMs || now - seenAt >= limits.idleMs;
}

/** What a session needs written at the end of a request to keep its clock; null for nothing. */
export function sessionStamps(
  data: Record<string, unknown>,
  signedIn: boolean,
  restarted: boolean,
  now: number,
  limits: SessionLimits,
): Record<string, number | undefined> | null {
  const signedInAt = time(data, SIGNED_IN_AT);
  if (!signedIn) {
    return signedInAt === undefined && time(data, SEEN_AT) === undefined
      ? null
      : { [SIGNED_IN_AT]: undefined, [SEEN_AT]: undefined };
  }
  if (restarted || signedInAt === undefined) return { [SIGNED_IN_AT]: now, [SEEN_AT]: now };
  const seenAt = time(data, SEEN_AT) ?? signedInAt;
  return now - seenAt >= limits.touchMs ? { [SEEN_AT]: now } : null;
}

/** Seconds a signed-in session may still live in a store: until its absolute limit. */
export function remainingSeconds(
  data: Record<string, unknown>,
  now: number,
  limits: SessionLimits,
): number {
  const signedInAt = time(data, SIGNED_IN_AT) ?? now;
  return Math.max(0, (signedInAt + limits.maxAgeMs - now) / 1000);
}
