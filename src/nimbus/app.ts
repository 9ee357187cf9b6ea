import { type Context, type ErrorHandler, Hono, type MiddlewareHandler, type Next } from "hono";
import type { FC } from "hono/jsx";
import type { Schema } from "hono/types";
import { type ApiTokenAuthOptions, apiTokenAuth } from "./accounts/api-token-auth.ts";
import { markPrivate } from "./cache/privacy.ts";
import { RequestCache } from "./cache/request.ts";
import { CacheRuntime } from "./cache/runtime.ts";
import type { CacheSettings } from "./cache/types.ts";
import { watchWrites } from "./cache/writes.ts";
import { nodeReport, requestBegan, requestEnded } from "./cluster/node-load.ts";
import type { DatabaseEngine } from "./db/database.ts";
import { databaseFromEnv } from "./db/from-env.ts";
import { lazyDatabase } from "./db/lazy.ts";
import type { NimbusEnv } from "./env.ts";
import { hasBody, type ParsedBody, readBody } from "./http/body.ts";
import { deferFor } from "./http/defer.ts";
import { errorResponse, notFoundResponse } from "./http/error-pages.tsx";
import { preferredFormat, routingPathFor, strippedJsonSuffix } from "./http/negotiate.ts";
import type { ErrorFormatter } from "./http/problem.ts";
import { logRequest, requestIdOf } from "./log/request-log.ts";
import { mountResource } from "./resource/resource.ts";
import type { ResourcesSchema } from "./resource/schema.ts";
import { patternRegExp } from "./resource/scope.ts";
import type { AnyResource } from "./resource/types.ts";
import { parseTrustedProxies } from "./security/client-address.ts";
import { type CorsOptions, corsMiddleware } from "./security/cors.ts";
import { csrfGuard } from "./security/csrf.ts";
import {
  applySecurityHeaders,
  type ContentSecurityPolicy,
  securityHeaderList,
} from "./security/headers.ts";
import { hostGuard } from "./security/host-check.ts";
import { type SessionOptions, session } from "./security/session.ts";
import { sentBearerToken } from "./security/token-auth.ts";
import { webSocketGuard } from "./security/websocket-origin.ts";
import { DefaultLayout, type LayoutProps } from "./view/layout.tsx";
import { renderPage } from "./view/render.tsx";

export interface AppOptions {
  /** Shown in the default layout's header and page titles. */
  name?: string;
  /** Where queries go (default: libSQL when DATABASE_URL is set, else the D1 binding `DB`). */
  database?: DatabaseEngine;
  /** The page frame around every HTML response. */
  layout?: FC<LayoutProps>;
  /** Largest request body accepted, in bytes (default 1 MiB); larger is a 413. */
  bodyLimit?: number;
  /** Other origins allowed to send unsafe requests (e.g. a separate front end). */
  trustedOrigins?: readonly string[];
  /** Browsers on other origins calling the app (preflight, allowed origins and headers, credentials). */
  cors?: CorsOptions;
  /**
   * Requests the CSRF check leaves alone (default: those carrying `Authorization: Bearer`, which
   * another site can't forge). Cookie-authenticated requests keep the check.
   */
  csrfExempt?: (c: Context) => boolean;
  /** Reshapes every JSON error (default: RFC 9457 problem details); HTML errors keep their pages. */
  formatError?: ErrorFormatter;
  /**
   * This app's own origins (`https://links.example.com`), added to `NIMBUS_ORIGINS`: requests
   * for any other Host are refused (421), which stops DNS rebinding.
   */
  origins?: readonly string[];
  /**
   * Who may state the client's address and scheme, added to `NIMBUS_TRUSTED_PROXIES`:
   * `"cloudflare"`, or the IPs/CIDRs of the gateways in front of self-hosted nodes.
   */
  trustedProxies?: readonly string[];
  /** The Content-Security-Policy (default: scripts and connections from this site only); false for none. */
  contentSecurityPolicy?: ContentSecurityPolicy | false;
  /**
   * Path prefixes whose request bodies Nimbus leaves alone (webhooks, uploads): elsewhere every
   * unsafe request's body is read and checked (415, 400, 413) before any handler runs.
   */
  rawBodyPaths?: readonly string[];
  /**
   * Where session data lives (default: in the signed cookie) and for how long: a signed-in
   * session ends 30 days after sign-in (`maxAgeSeconds`) or after 14 idle days (`idleSeconds`).
   */
  sessions?: SessionOptions;
  /**
   * API tokens sign requests in (`Authorization: Bearer`/`Token`): `userIdFor(hash)` finds the
   * token's user, who is then `currentUserId(c)` for `requireUser()` and `owner:` rules.
   */
  apiTokens?: ApiTokenAuthOptions;
  /** One JSON log line per request (default true). */
  logRequests?: boolean;
  /** The read-through cache behind resources' `cache:` rules and `cached()` (nimbus/cache). */
  cache?: CacheSettings;
}

/** The env a resource's handlers were typed for. */
type EnvOf<R> = R extends {
  readonly options: { readonly use?: readonly MiddlewareHandler<infer E>[] };
}
  ? E
  : never;

/**
 * Each resource, or `never` when it was declared for bindings or variables this app doesn't
 * have (`resourceWith<OtherEnv>()`): a compile error where it is mounted, not a missing value at run time.
 */
type MountableOn<AppEnv, R extends readonly unknown[]> = {
  [K in keyof R]: AppEnv extends EnvOf<R[K]> ? R[K] : never;
};

/** Methods whose body (if any) Nimbus does not read before the handler. */
const BODILESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A Hono app with Nimbus's conventions; `resources()` mounts declared resources. */
export class NimbusApp<
  Bindings extends object = object,
  Variables extends object = object,
  // biome-ignore lint/complexity/noBannedTypes: Hono's own default for an app without routes
  S extends Schema = {},
> extends Hono<NimbusEnv<Bindings, Variables>, S, "/"> {
  /** Patterns of resource routes: the only paths a `.json` suffix is taken off. */
  readonly #resourcePatterns: RegExp[];

  constructor(
    options: ConstructorParameters<typeof Hono>[0] = {},
    resourcePatterns: RegExp[] = [],
  ) {
    super(options);
    this.#resourcePatterns = resourcePatterns;
  }

  /** Adds each resource's REST routes (HTML and JSON), typed for Hono's client (`hc`). */
  resources<const R extends readonly AnyResource[]>(
    ...list: R & MountableOn<NimbusEnv<Bindings, Variables>, R>
  ): NimbusApp<Bindings, Variables, S & ResourcesSchema<R>> {
    for (const resource of list) {
      const patterns = mountResource(this as unknown as Hono<NimbusEnv>, resource);
      this.#resourcePatterns.push(...patterns.map(patternRegExp));
    }
    return this as unknown as NimbusApp<Bindings, Variables, S & ResourcesSchema<R>>;
  }
}

/**
 * Creates a Nimbus app: request ids and logs, security headers (CSP, HSTS over https), Host
 * checks, sessions, CSRF protection, WebSocket Origin checks, body parsing with limits, the database, content negotiation, and error pages.
 *
 * @example
 * const app = createApp<AppBindings>().resources(links, comments);
 * export default app;
 */
export function createApp<Bindings extends object = object, Variables extends object = object>(
  options: AppOptions = {},
): NimbusApp<Bindings, Variables> {
  const patterns: RegExp[] = [];
  const getPath = routingPathFor((path) => patterns.some((pattern) => pattern.test(path)));
  const app = new NimbusApp<Bindings, Variables>({ getPath }, patterns);
  const database = options.database ?? databaseFromEnv();
  const layout = options.layout ?? DefaultLayout;
  const limit = options.bodyLimit ?? 1024 * 1024;
  const base = app as unknown as Hono<NimbusEnv>;
  const corsOrigins = options.cors?.origins === "*" ? [] : (options.cors?.origins ?? []);

  // Nimbus's defaults run as plain functions inside one middleware rather than as a middleware
  // each: a layer costs a dispatch, closures and promises on every request. It frames the request
  // (node load, request id and log line, negotiation, security and privacy headers) around the
  // session and what may refuse the request (Host, WebSocket Origin, CSRF, body, API token): a
  // refusal is the page Hono's error handler makes, and still gets the session's cookie, the
  // headers and the log line, as when each check was a middleware of its own.
  const logging = options.logRequests !== false;
  const envTrust = new Map<string, ReturnType<typeof parseTrustedProxies>>();
  const rawBodyPaths = options.rawBodyPaths ?? [];
  const headerList = securityHeaderList(options.contentSecurityPolicy);
  const cors = options.cors ? corsMiddleware(options.cors) : undefined;
  const checkHost = hostGuard(options.origins);
  const checkWebSocketOrigin = webSocketGuard(options.trustedOrigins ?? []);
  const sessions = session(options.sessions);
  const authenticate = options.apiTokens ? apiTokenAuth(options.apiTokens) : undefined;
  const checkCsrf = csrfGuard({
    // Origins allowed to call the app from a browser may also change data.
    trustedOrigins: [...(options.trustedOrigins ?? []), ...corsOrigins],
    exempt: options.csrfExempt ?? sentBearerToken,
  });
  // Every body is read and checked before any handler runs: a request refused for its body
  // (415, 400, 413) has changed nothing.
  const checkBody = async (c: Context<NimbusEnv>): Promise<void> => {
    if (BODILESS_METHODS.has(c.req.method) || !hasBody(c.req.raw)) return;
    // The URL is parsed only when some paths keep their raw body.
    if (rawBodyPaths.length > 0) {
      const path = new URL(c.req.url).pathname;
      if (rawBodyPaths.some((prefix) => path.startsWith(prefix))) return;
    }
    await c.get("body")();
  };
  const cache = new CacheRuntime(options.cache);
  cache.securityHeaders = headerList;
  cache.refresh = (request, c) => {
    try {
      c.executionCtx.waitUntil(Promise.resolve(app.fetch(request, c.env, c.executionCtx)));
    } catch {
      // No ExecutionContext to finish it in: the stale entry just expires.
    }
  };
  // Hono's error handler (createApp's, or the one the app set with onError) answers a refusal.
  const refused = async (error: unknown, c: Context<NimbusEnv>): Promise<void> => {
    if (!(error instanceof Error)) throw error;
    c.error = error;
    c.res = await (base as unknown as { errorHandler: ErrorHandler<NimbusEnv> }).errorHandler(
      error,
      c,
    );
  };
  // Inside the session: CSRF and body checks, the database and the cache, then API tokens
  // (after the database: `userIdFor` looks the token up in the app's tokens table).
  const guarded = async (c: Context<NimbusEnv>, next: Next): Promise<void> => {
    if (!BODILESS_METHODS.has(c.req.method)) {
      await checkCsrf(c);
      await checkBody(c);
    }
    const lazy = lazyDatabase(
      database,
      c,
      cache.enabled ? (db) => watchWrites(db, requestCache) : undefined,
    );
    const requestCache = new RequestCache(cache, c, () =>
      lazy.opened() ? database.token?.(c) : undefined,
    );
    c.set("cache", requestCache);
    c.set("db", lazy.db);
    if (!authenticate) await next();
    else {
      try {
        await authenticate(c, next);
      } catch (error) {
        // The database still closes after a refused token.
        await refused(error, c);
      }
    }
    if (lazy.opened()) await database.close?.(c);
  };
  // A refusal inside the session is answered there, so the session still closes after it.
  const inSession = async (c: Context<NimbusEnv>, next: Next): Promise<void> => {
    try {
      await guarded(c, next);
    } catch (error) {
      await refused(error, c);
    }
  };
  // One refused before or while opening the session is answered here, inside CORS, which then
  // adds its headers to the error page as to any response.
  const checked = async (c: Context<NimbusEnv>, next: Next): Promise<void> => {
    try {
      checkHost(c);
      checkWebSocketOrigin(c);
      await sessions(c, () => inSession(c, next));
    } catch (error) {
      await refused(error, c);
    }
  };
  base.use(async (c, next) => {
    // A cluster node's load counts every request, and health checks skip the rest.
    const report = nodeReport(c);
    if (report) return report;
    requestBegan();
    const started = Date.now();
    const requestId = logging ? requestIdOf(c) : undefined;
    const fromEnv = c.env?.NIMBUS_TRUSTED_PROXIES ?? "";
    let trust = envTrust.get(fromEnv);
    if (!trust) {
      trust = parseTrustedProxies([...(options.trustedProxies ?? []), fromEnv]);
      envTrust.set(fromEnv, trust);
    }
    c.set("trustedProxies", trust);
    const json = strippedJsonSuffix(c.req.raw, c.req.path);
    c.set("format", json ? "json" : preferredFormat(c.req.raw));
    c.setRenderer((content, renderOptions) =>
      renderPage(c, layout, options.name, content, renderOptions),
    );
    let body: Promise<ParsedBody> | undefined;
    c.set("body", () => {
      body ??= readBody(c, limit);
      return body;
    });
    c.set("defer", deferFor(c));
    try {
      if (cors) {
        // A CORS preflight is answered by the CORS middleware itself.
        const answer = await cors(c, () => checked(c, next));
        if (answer instanceof Response && !c.finalized) c.res = answer;
      } else await checked(c, next);
    } catch (error) {
      requestEnded(c, undefined);
      throw error;
    }
    markPrivate(c);
    applySecurityHeaders(c, headerList);
    if (requestId !== undefined) logRequest(c, requestId, started);
    requestEnded(c, c.res);
  });
  base.onError((error, c) => errorResponse(error, c, options.formatError));
  base.notFound((c) => notFoundResponse(c, options.formatError));
  return app;
}
