import type { Context, MiddlewareHandler } from "hono";
import { sameUser, USER_ID_KEY, type UserId } from "../accounts/current-user.ts";
import type { SessionStore } from "../coord/session-store.ts";
import type { NimbusEnv } from "../env.ts";
import { setResponseHeader } from "../http/response-header.ts";
import { requestIsHttps } from "./client-address.ts";
import {
  DEFAULT_IDLE_SECONDS,
  DEFAULT_MAX_AGE_SECONDS,
  remainingSeconds,
  sessionExpired,
  sessionLimits,
  sessionStamps,
} from "./session-expiry.ts";
import { cookieAttributes, signedCookieText, verifiedCookie } from "./signed-cookie.ts";

const COOKIE = "nimbus_session";

export interface Flash {
  kind: "notice" | "alert";
  message: string;
}

type SessionData = Record<string, unknown> & { flash?: Flash; csrf?: string };

/** Values kept across one client's requests in a signed cookie; written back only when changed. */
export class Session {
  #data: SessionData;
  #dirty = false;
  #regenerate = false;
  #flash: Flash | undefined;
  readonly #revoke: ((userId: UserId) => Promise<number>) | undefined;

  /** `revoke` ends every server-side session of a user (the session middleware passes it). */
  constructor(data: SessionData, revoke?: (userId: UserId) => Promise<number>) {
    this.#revoke = revoke;
    // A flash lives for exactly one request after the one that set it.
    this.#flash = data.flash;
    if (data.flash) {
      delete data.flash;
      this.#dirty = true;
    }
    this.#data = data;
  }

  get<T = unknown>(key: string): T | undefined {
    return this.#data[key] as T | undefined;
  }

  set(key: string, value: unknown): void {
    this.#data[key] = value;
    this.#dirty = true;
  }

  /** Forgets `key`. */
  delete(key: string): void {
    if (!(key in this.#data)) return;
    delete this.#data[key];
    this.#dirty = true;
  }

  /**
   * Forgets everything (the CSRF token too) and starts a new id: sign-out. A cookie saved
   * before it points at data that is gone (server-side sessions).
   */
  clear(): void {
    this.#data = {};
    this.regenerate();
  }

  /**
   * Ends every server-side session `userId` has (each device's), this one included if it is
   * theirs: after a password change, then sign the user in again to keep this device. Needs
   * a store that tracks users (nimbus/coord's does); returns how many sessions ended.
   */
  async revokeUser(userId: UserId): Promise<number> {
    if (!this.#revoke) {
      throw new Error(
        "Sessions can only be revoked when they live in a store that tracks users: createApp({ sessions: { store: (c) => coordination(c.env).sessions } }).",
      );
    }
    return await this.#revoke(userId);
  }

  /** Shows `message` on the next page this client sees. */
  flash(message: string, kind: Flash["kind"] = "notice"): void {
    this.set("flash", { kind, message });
  }

  /** The flash set by the previous request, if any. */
  get currentFlash(): Flash | undefined {
    return this.#flash;
  }

  /** This client's CSRF token, created on first use. */
  csrfToken(): string {
    let token = this.#data.csrf;
    if (!token) {
      token = crypto.randomUUID();
      this.set("csrf", token);
    }
    return token;
  }

  /**
   * Starts a new session id keeping the data (server-side sessions): call it when the user's
   * privileges change, e.g. at sign-in, so an id planted before sign-in is worth nothing after.
   */
  regenerate(): void {
    this.#regenerate = true;
    this.#dirty = true;
  }

  get regenerating(): boolean {
    return this.#regenerate;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** True when the session holds nothing at all (not even a CSRF token). */
  get empty(): boolean {
    for (const _ in this.#data) return false;
    return true;
  }

  toJSON(): SessionData {
    return this.#data;
  }
}

// Development without SESSION_SECRET signs with a secret made up by this process: never a
// published constant, so a cookie forged with one is worth nothing anywhere.
let developmentSecret: string | undefined;

function sessionSecret(c: Context<NimbusEnv>): string {
  const secret = c.env?.SESSION_SECRET;
  if (secret) return secret;
  if (c.env?.NIMBUS_ENV === "development") {
    developmentSecret ??= [...crypto.getRandomValues(new Uint8Array(32))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    return developmentSecret;
  }
  throw new Error(
    "SESSION_SECRET is not set. Set it with `wrangler secret put SESSION_SECRET` (Cloudflare) or in the node's environment; only NIMBUS_ENV=development may run without it.",
  );
}

const COOKIE_OPTIONS = { path: "/", httpOnly: true, sameSite: "Lax" } as const;
/** The session cookie's attributes over http and over https, worked out once. */
const ATTRIBUTES = {
  plain: cookieAttributes(COOKIE, { ...COOKIE_OPTIONS, secure: false }),
  secure: cookieAttributes(COOKIE, { ...COOKIE_OPTIONS, secure: true }),
};

function parseData(json: string | null | undefined): SessionData {
  if (!json) return {};
  try {
    const data = JSON.parse(json);
    return typeof data === "object" && data !== null ? data : {};
  } catch {
    return {};
  }
}

async function signedCookie(c: Context<NimbusEnv>, secret: string): Promise<string | undefined> {
  const header = c.req.header("Cookie");
  if (!header?.includes(COOKIE)) return undefined;
  return (await verifiedCookie(header, COOKIE, secret)) || undefined;
}

async function writeCookie(c: Context<NimbusEnv>, value: string, secret: string): Promise<void> {
  const secure = requestIsHttps(c);
  // What setSignedCookie writes, set without copying the response (see setResponseHeader).
  const attributes = secure ? ATTRIBUTES.secure : ATTRIBUTES.plain;
  const cookie = await signedCookieText(COOKIE, value, secret, attributes);
  setResponseHeader(c, "Set-Cookie", cookie, { append: true });
}

export interface SessionOptions {
  /**
   * Keep session data on the server (e.g. `(c) => coordination(c.env).sessions` from
   * nimbus/coord): the cookie then holds only a signed id. Default: the data is in the cookie.
   */
  store?: (c: Context<NimbusEnv>) => SessionStore;
  /**
   * How long a server-side session lives in the store after its last write (default: the
   * idle limit); a signed-in session never outlives its absolute limit there either.
   */
  ttlSeconds?: number;
  /**
   * Absolute limit of a signed-in session (one holding `userId`): signed out this long after
   * signing in, however active (default 30 days). Checked on the server on every request.
   */
  maxAgeSeconds?: number;
  /**
   * Idle limit of a signed-in session: signed out after this long without a request (default
   * 14 days). The last-seen time is written at most hourly (a tenth of the limit if shorter).
   */
  idleSeconds?: number;
  /** The clock, in milliseconds (default `Date.now`); tests pass their own to age sessions. */
  now?: () => number;
  /**
   * Which sessions live in the `store` (default: all). E.g. `(data) => data.userId != null`:
   * anonymous visitors keep a cookie (no store call per request), signed-in users get a
   * server-side session that sign-out or a password change really ends, since the data a
   * saved cookie pointed at is gone.
   */
  serverSide?: (data: Record<string, unknown>) => boolean;
}

/**
 * Signed, HttpOnly, SameSite=Lax session cookie holding the data, or an id of data kept in a
 * `store`; a tampered cookie reads as an empty session.
 */
export function session(options: SessionOptions = {}): MiddlewareHandler<NimbusEnv> {
  const limits = sessionLimits(
    options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
    options.idleSeconds ?? DEFAULT_IDLE_SECONDS,
  );
  const ttl = options.ttlSeconds ?? limits.idleMs / 1000;
  const clock = options.now ?? Date.now;
  const signedIn = (data: Record<string, unknown>) => data[USER_ID_KEY] != null;
  return async (c, next) => {
    const secret = sessionSecret(c);
    // No session cookie: nothing to verify, no promise to wait for.
    const cookie = c.req.header("Cookie")?.includes(COOKIE)
      ? await signedCookie(c, secret)
      : undefined;
    // A cookie holds either the data (JSON, an object) or the id of data in the store.
    const storedId = cookie !== undefined && !cookie.startsWith("{") ? cookie : undefined;
    // The store is made only when there is something to read or write: a request without a
    // stored session that changes nothing never builds one.
    let store = storedId ? options.store?.(c) : undefined;
    const read = storedId
      ? ((store ? await store.get(storedId) : undefined) ?? {})
      : parseData(cookie);
    const now = clock();
    const expired = sessionExpired(read, signedIn(read), now, limits);
    const data = expired ? {} : read;
    const userBefore = data[USER_ID_KEY];
    const revoke = options.store
      ? async (userId: UserId) => {
          store ??= options.store?.(c);
          const ended = await revokeUser(store, userId);
          // This session was one of them: it ends here too, under a new id.
          if (sameUser(current.get(USER_ID_KEY), userId)) current.clear();
          return ended;
        }
      : undefined;
    const current: Session = new Session(data as SessionData, revoke);
    // An expired session reads as signed out, and its id is never used again.
    if (expired) current.regenerate();
    c.set("session", current);
    await next();
    const stamps = sessionStamps(
      current.toJSON(),
      signedIn(current.toJSON()),
      current.regenerating,
      now,
      limits,
    );
    for (const [key, value] of Object.entries(stamps ?? {})) {
      if (value === undefined) current.delete(key);
      else current.set(key, value);
    }
    if (!current.dirty) return;
    const values = current.toJSON();
    const serverSide = options.serverSide?.(values) ?? true;
    // Data that stays in the cookie (an anonymous visitor's CSRF token) needs no store.
    if (serverSide || storedId) store ??= options.store?.(c);
    // A signed-in session left behind (sign-out, a new id) ends for good: a request still
    // running on it can't write it back.
    const leave = (old: string) =>
      userBefore != null && store?.end ? store.end(old) : store?.delete(old);
    if (!store || !serverSide) {
      if (store && storedId) await leave(storedId);
      return writeCookie(c, JSON.stringify(current), secret);
    }
    const id = storedId && !current.regenerating ? storedId : crypto.randomUUID();
    const user = values[USER_ID_KEY];
    const remaining = remainingSeconds(values, now, limits);
    const lifetime = user != null ? Math.min(ttl, remaining) : ttl;
    await store.set(id, values, lifetime);
    if (storedId && id !== storedId) await leave(storedId);
    // A user's sessions are listed where revokeUser finds them, once per id.
    if (user != null && (id !== storedId || !sameUser(user, userBefore))) {
      await store.trackUser?.(String(user), id, remaining);
    }
    if (id !== cookie) await writeCookie(c, id, secret);
  };
}

async function revokeUser(store: SessionStore | undefined, userId: UserId): Promise<number> {
  if (!store?.revokeUser) {
    throw new Error(
      "This session store can't end a user's sessions: it has no revokeUser (nimbus/coord's store has).",
    );
  }
  return await store.revokeUser(String(userId));
}
