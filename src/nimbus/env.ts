import type { Context } from "hono";
import type { UserId } from "./accounts/current-user.ts";
import type { RequestCache } from "./cache/request.ts";
import type { NimbusDatabase } from "./db/database.ts";
import type { ParsedBody } from "./http/body.ts";
import type { TrustedProxies } from "./security/client-address.ts";
import type { Session } from "./security/session.ts";

/** Bindings every Nimbus app may read; the user's own bindings are added through `createApp<Bindings>()`. */
export interface NimbusBindings {
  /** "development" shows stack traces on error pages; anything else hides them. */
  NIMBUS_ENV?: string;
  /** Secret that signs the session cookie. Required outside development. */
  SESSION_SECRET?: string;
  /**
   * Secret: a request carrying `Nimbus-Cache-Bypass: <this value>` is answered as if the cache
   * were off (benchmarks, debugging). Unset: no request can bypass the cache.
   */
  NIMBUS_CACHE_BYPASS?: string;
  /** This app's origins, comma-separated (`https://links.example.com`): other Host headers get 421. */
  NIMBUS_ORIGINS?: string;
  /** Who may state the client's address and scheme: `cloudflare` and/or gateway IPs/CIDRs, comma-separated. */
  NIMBUS_TRUSTED_PROXIES?: string;
}

/** Per-request values Nimbus middleware provides on `c.var`. */
export interface NimbusVariables {
  db: NimbusDatabase;
  session: Session;
  requestId: string;
  /** "json" when the client asked for JSON (Accept header or a `.json` suffix), otherwise "html". */
  format: "html" | "json";
  /** The request body as a JSON object or form fields, read once (400, 413 or 415 when it can't be). */
  body: () => Promise<ParsedBody>;
  /** The app's cache as this request sees it (nimbus/cache: `cached()`, `invalidate()`). */
  cache: RequestCache;
  /**
   * Runs `work` after the response has gone (the runtime's `waitUntil`), or before it where
   * there is none (`app.request()` in a test). A failure is logged with the request id, never
   * thrown: the work it follows has already succeeded.
   */
  defer: (work: () => Promise<unknown> | unknown, what?: string) => Promise<void>;
  /** Who may state the client's address (createApp's `trustedProxies` plus NIMBUS_TRUSTED_PROXIES). */
  trustedProxies: TrustedProxies;
  /**
   * The user an API token named (`apiTokenAuth`, `setCurrentUser`); unset otherwise. Read
   * `currentUserId(c)`, which falls back to the session's signed-in user.
   */
  tokenUserId?: UserId;
}

/**
 * The Hono env of a Nimbus app: Nimbus's variables and bindings plus the app's own.
 *
 * @example
 * type AppEnv = NimbusEnv<{ DB: D1Database; API_SECRET: string }, { user: User }>;
 */
export interface NimbusEnv<Bindings extends object = object, Variables extends object = object> {
  Bindings: Bindings & NimbusBindings;
  Variables: NimbusVariables & Variables;
}

/** Any Nimbus env, whatever the app's bindings and variables. */
// biome-ignore lint/suspicious/noExplicitAny: the widest env, used only as a type bound
export type AnyNimbusEnv = NimbusEnv<any, any>;

/** The Hono context of a Nimbus request; pass your env to type `c.env` and `c.var`. */
export type NimbusContext<
  Path extends string = string,
  Env extends AnyNimbusEnv = NimbusEnv,
> = Context<Env, Path>;

/**
 * One of Nimbus's request variables, read with `c.get`: `c.var` copies every variable into a
 * new object on each read, which the framework's own code (run on every request) avoids.
 */
export function nimbusVar<K extends keyof NimbusVariables>(
  c: Context<AnyNimbusEnv> | Context,
  key: K,
): NimbusVariables[K] {
  return (c as unknown as Context<{ Variables: NimbusVariables }>).get(key);
}
