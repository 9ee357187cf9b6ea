import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { CacheSettings } from "nimbus-web";
import { TestBrowser } from "nimbus-web/testing";
import { createDemoApp } from "../../../src/app.ts";

const ORIGIN = "http://nimbus.test";

/** Something that answers requests like a node of the demo. */
export interface Node {
  fetch(request: Request): Promise<Response>;
}

/** The demo Worker itself (default cache settings: versions re-read after 1 s). */
export const mainNode: Node = exports.default;

/**
 * Another node of the demo: its own app, so its own memory tier and remembered tag versions,
 * with the same D1, coordination objects and Cache API as the main one (as nodes of a cluster
 * share a database, a coordination host and, at one location, a cache). Each request finishes
 * its `waitUntil` work before the answer is handed back, so tests see a settled cache.
 * `bindings` replaces the Worker's env (say, with a binding that fails).
 */
export function demoNode(cache?: CacheSettings, bindings: object = env): Node {
  const app = createDemoApp(cache);
  return {
    async fetch(request) {
      const ctx = createExecutionContext();
      const res = await app.fetch(request, bindings, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    },
  };
}

/** A browser on `node`; `on(other)` is the same browser (same cookies) talking to another node. */
export class CacheBrowser extends TestBrowser {
  constructor(node: Node = mainNode, headers: Record<string, string> = {}) {
    super(node, { origin: ORIGIN, headers });
  }

  on(node: Node): CacheBrowser {
    const twin = new CacheBrowser(node);
    for (const [name, value] of this.cookies) twin.cookies.set(name, value);
    return twin;
  }
}

/** An anonymous GET without cookies, as curl would send it. */
export function fetchFrom(node: Node, path: string, headers: Record<string, string> = {}) {
  return node.fetch(new Request(`${ORIGIN}${path}`, { headers }));
}

/** The `Nimbus-Cache` header: hit, stale, miss or private. */
export const cacheStatus = (res: Response) => res.headers.get("Nimbus-Cache");

/** A page with every CSRF token blanked, to compare what two viewers were shown. */
export const withoutTokens = (html: string) =>
  html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

/** Every CSRF token on a page. */
export const tokensIn = (html: string) =>
  [...html.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
