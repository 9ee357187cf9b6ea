import type { FetchTarget } from "./room-subscriber.ts";

export interface TestBrowserOptions {
  /** The site's origin, sent as `Origin` on form posts (default http://nimbus.test). */
  origin?: string;
  /** Headers sent with every request, e.g. `CF-Connecting-IP` to be one client of a rate limit. */
  headers?: Record<string, string>;
}

/**
 * What a browser does, against an app in a test: keeps every cookie it is given, reads CSRF
 * tokens from forms, posts forms from the site's own pages, and follows no redirect by itself.
 */
export class TestBrowser {
  /** Cookies by name, as the app set them; change one to play a tampering client. */
  readonly cookies = new Map<string, string>();
  readonly origin: string;
  readonly #headers: Record<string, string>;

  constructor(
    readonly target: FetchTarget,
    options: TestBrowserOptions = {},
  ) {
    this.origin = options.origin ?? "http://nimbus.test";
    this.#headers = options.headers ?? {};
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(this.#headers);
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie) headers.set("Cookie", cookie);
    const res = await this.target.fetch(
      new Request(`${this.origin}${path}`, { ...init, headers, redirect: "manual" }),
    );
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(";")[0] ?? "";
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { headers: { Accept: "text/html" } });
    return { res, html: await res.text() };
  }

  /** The `_csrf` value of the form posting to `action` on the page at `path` (else its first form). */
  async csrfFrom(path: string, action?: string): Promise<string> {
    return csrfIn((await this.page(path)).html, action);
  }

  /** Posts a form the way a browser does, from this site's own page. */
  submit(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: this.origin,
        Accept: "text/html",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** A JSON call with this browser's cookies, as the page's own script would make it. */
  json(path: string, method = "GET", body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return this.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
}

/** The `_csrf` value of the form posting to `action` in `html` (the first form if none given). */
export function csrfIn(html: string, action?: string): string {
  const escaped = action?.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const form = escaped
    ? new RegExp(`<form action="${escaped}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1]
    : html;
  const token = /name="_csrf" value="([^"]+)"/.exec(form ?? "")?.[1];
  if (!token) throw new Error(`no CSRF token${action ? ` in the form posting to ${action}` : ""}`);
  return token;
}
