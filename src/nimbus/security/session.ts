import type { Context, MiddlewareHandler } from "hono";
import { getSignedCookie } from "hono/cookie";
import { serializeSigned } from "hono/utils/cookie";
import type { SessionStore } from "../coord/session-store.ts";
import type { NimbusEnv } from "../env.ts";
import { setResponseHeader } from "../http/response-header.ts";
import { requestIsHttps } from "./client-address.ts";

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

  constructor(data: SessionData) {
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
  if (!c.req.header("Cookie")?.includes(COOKIE)) return undefined;
  return (await getSignedCookie(c, secret, COOKIE)) || undefined;
}

async function writeCookie(c: Context<NimbusEnv>, value: string, secret: string): Promise<void> {
  const secure = requestIsHttps(c);
  // What setSignedCookie writes, set without copying the response (see setResponseHeader).
  const cookie = await serializeSigned(COOKIE, value, secret, { ...COOKIE_OPTIONS, secure });
  setResponseHeader(c, "Set-Cookie", cookie, { append: true });
}

export interface SessionOptions {
  /**
   * Keep session data on the server (e.g. `(c) => coordination(c.env).sessions` from
   * nimbus/coord): the cookie then holds only a signed id. Default: the data is in the cookie.
   */
  store?: (c: Context<NimbusEnv>) => SessionStore;
  /** How long a server-side session lives after its last change (default 14 days). */
  ttlSeconds?: number;
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
  const ttl = options.ttlSeconds ?? 14 * 24 * 60 * 60;
  return async (c, next) => {
    const secret = sessionSecret(c);
    const cookie = await signedCookie(c, secret);
    // A cookie holds either the data (JSON, an object) or the id of data in the store.
    const storedId = cookie !== undefined && !cookie.startsWith("{") ? cookie : undefined;
    // The store is made only when there is something to read or write: a request without a
    // stored session that changes nothing never builds one.
    let store = storedId ? options.store?.(c) : undefined;
    const data = storedId
      ? ((store ? await store.get(storedId) : undefined) ?? {})
      : parseData(cookie);
    const current = new Session(data as SessionData);
    c.set("session", current);
    await next();
    if (!current.dirty) return;
    store ??= options.store?.(c);
    if (!store || !(options.serverSide?.(current.toJSON()) ?? true)) {
      if (store && storedId) await store.delete(storedId);
      return writeCookie(c, JSON.stringify(current), secret);
    }
    const id = storedId && !current.regenerating ? storedId : crypto.randomUUID();
    await store.set(id, current.toJSON(), ttl);
    if (storedId && id !== storedId) await store.delete(storedId);
    if (id !== cookie) await writeCookie(c, id, secret);
  };
}
