import { exports } from "cloudflare:workers";

const ORIGIN = "http://nimbus.test";

/** A minimal browser against the worker: keeps its cookies and reads CSRF tokens from forms. */
export class Browser {
  cookie = "";

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("Cookie", this.cookie);
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}${path}`, { ...init, headers, redirect: "manual" }),
    );
    // Every cookie is kept, each in its place (the session's and the consistency token's).
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(";")[0] ?? "";
      const parts = this.cookie ? this.cookie.split("; ") : [];
      const at = parts.findIndex((c) => c.startsWith(`${pair.slice(0, pair.indexOf("="))}=`));
      if (at >= 0) parts[at] = pair;
      else parts.push(pair);
      this.cookie = parts.join("; ");
    }
    return res;
  }

  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { headers: { Accept: "text/html" } });
    return { res, html: await res.text() };
  }

  /** The `_csrf` value of the first form on the page at `path`. */
  async csrfFrom(path: string): Promise<string> {
    const { html } = await this.page(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token in the page at ${path}`);
    return token;
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
        Origin: ORIGIN,
        Accept: "text/html",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** A JSON API call, as curl or fetch would make it (no cookies, no Origin). */
export function api(
  path: string,
  method = "GET",
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
  }
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

let counter = 0;
/** A link no other test uses (urls are unique). */
export function newLink(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const tag = `${Date.now()}-${counter}-${Math.random().toString(36).slice(2)}`;
  return {
    title: `Link ${tag}`,
    url: `https://example.com/${tag}`,
    description: "A test link",
    ...overrides,
  };
}

export async function createLink(
  overrides: Record<string, unknown> = {},
): Promise<{ id: number; title: string; url: string }> {
  const res = await api("/links", "POST", newLink(overrides));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { id: number; title: string; url: string } }).data;
}
