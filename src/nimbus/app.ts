import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { secureHeaders } from "hono/secure-headers";
import { privateByDefault } from "./cache/privacy.ts";
import { RequestCache } from "./cache/request.ts";
import { CacheRuntime } from "./cache/runtime.ts";
import type { CacheSettings } from "./cache/types.ts";
import { watchWrites } from "./cache/writes.ts";
import { nodeLoad } from "./cluster/node-load.ts";
import type { DatabaseEngine } from "./db/database.ts";
import { databaseFromEnv } from "./db/from-env.ts";
import { lazyDatabase } from "./db/lazy.ts";
import type { NimbusEnv } from "./env.ts";
import { type ParsedBody, readBody } from "./http/body.ts";
import { errorResponse, notFoundResponse } from "./http/error-pages.tsx";
import { preferredFormat, routingPath } from "./http/negotiate.ts";
import { requestLog } from "./log/request-log.ts";
import { mountResource } from "./resource/resource.ts";
import type { Resource } from "./resource/types.ts";
import { csrf } from "./security/csrf.ts";
import { type SessionOptions, session } from "./security/session.ts";
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
  /** Where session data lives (default: in the signed cookie) and for how long. */
  sessions?: SessionOptions;
  /** One JSON log line per request (default true). */
  logRequests?: boolean;
  /** The read-through cache behind resources' `cache:` rules and `cached()` (nimbus/cache). */
  cache?: CacheSettings;
}

/** A Hono app with Nimbus's conventions; `resources()` mounts declared resources. */
export class NimbusApp<Bindings extends object = object> extends Hono<NimbusEnv<Bindings>> {
  /** Adds each resource's REST routes (HTML and JSON). */
  resources(...list: Resource[]): this {
    for (const resource of list) mountResource(this as unknown as Hono<NimbusEnv>, resource);
    return this;
  }
}

/**
 * Creates a Nimbus app: request ids and logs, security headers, sessions, CSRF protection,
 * body parsing with limits, the database, content negotiation, and error pages.
 *
 * @example
 * const app = createApp().resources(links, comments);
 * export default app;
 */
export function createApp<Bindings extends object = object>(
  options: AppOptions = {},
): NimbusApp<Bindings> {
  const app = new NimbusApp<Bindings>({ getPath: routingPath });
  const database = options.database ?? databaseFromEnv();
  const layout = options.layout ?? DefaultLayout;
  const limit = options.bodyLimit ?? 1024 * 1024;
  const base = app as unknown as Hono<NimbusEnv>;

  // First: a cluster node's load counts every request, and health checks skip the rest.
  base.use(nodeLoad());
  if (options.logRequests !== false) base.use(requestLog());
  base.use(async (c, next) => {
    c.set("format", preferredFormat(c.req.raw));
    c.setRenderer((content, renderOptions) =>
      renderPage(c, layout, options.name, content, renderOptions),
    );
    let body: Promise<ParsedBody> | undefined;
    c.set("body", () => {
      body ??= readBody(c, limit);
      return body;
    });
    return next();
  });
  base.use(secureHeaders());
  base.use(privateByDefault());
  base.use(session(options.sessions));
  base.use(csrf({ trustedOrigins: options.trustedOrigins ?? [] }));
  const cache = new CacheRuntime(options.cache);
  cache.refresh = (request, c) => {
    try {
      c.executionCtx.waitUntil(Promise.resolve(app.fetch(request, c.env, c.executionCtx)));
    } catch {
      // No ExecutionContext to finish it in: the stale entry just expires.
    }
  };
  base.use(async (c, next) => {
    const lazy = lazyDatabase(database, c);
    const requestCache = new RequestCache(cache, c, () =>
      lazy.opened() ? database.token?.(c) : undefined,
    );
    c.set("cache", requestCache);
    c.set("db", cache.enabled ? watchWrites(lazy.db, requestCache) : lazy.db);
    await next();
    if (lazy.opened()) await database.close?.(c);
  });
  base.onError((error, c) => errorResponse(error, c));
  base.notFound((c) => notFoundResponse(c));
  return app;
}
