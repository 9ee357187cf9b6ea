import type { Context, MiddlewareHandler } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import type { NimbusEnv } from "../env.ts";

const COOKIE = "nimbus_session";
const DEV_SECRET = "nimbus-development-secret-do-not-use-in-production";

export interface Flash {
  kind: "notice" | "alert";
  message: string;
}

type SessionData = Record<string, unknown> & { flash?: Flash; csrf?: string };

/** Values kept across one client's requests in a signed cookie; written back only when changed. */
export class Session {
  #data: SessionData;
  #dirty = false;
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

  get dirty(): boolean {
    return this.#dirty;
  }

  toJSON(): SessionData {
    return this.#data;
  }
}

function sessionSecret(c: Context<NimbusEnv>): string {
  const secret = c.env?.SESSION_SECRET;
  if (secret) return secret;
  if (c.env?.NIMBUS_ENV === "development") return DEV_SECRET;
  throw new Error(
    "SESSION_SECRET is not set. Set it with `wrangler secret put SESSION_SECRET` (Cloudflare) or in the node's environment; only NIMBUS_ENV=development may run without it.",
  );
}

async function readSession(c: Context<NimbusEnv>, secret: string): Promise<SessionData> {
  if (!c.req.header("Cookie")?.includes(COOKIE)) return {};
  const raw = await getSignedCookie(c, secret, COOKIE);
  if (!raw) return {};
  try {
    const data = JSON.parse(raw);
    return typeof data === "object" && data !== null ? data : {};
  } catch {
    return {};
  }
}

/** Signed, HttpOnly, SameSite=Lax session cookie; a tampered cookie reads as an empty session. */
export function session(): MiddlewareHandler<NimbusEnv> {
  return async (c, next) => {
    const secret = sessionSecret(c);
    const current = new Session(await readSession(c, secret));
    c.set("session", current);
    await next();
    if (!current.dirty) return;
    await setSignedCookie(c, COOKIE, JSON.stringify(current), secret, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
    });
  };
}
