import { exports } from "cloudflare:workers";

const ORIGIN = "http://nimbus.test";

/**
 * A browser against the demo from one IP address: keeps every cookie it is given (the session
 * and any other), sends `CF-Connecting-IP` as Cloudflare would, and posts forms from this site.
 */
export class Visitor {
  readonly cookies = new Map<string, string>();

  constructor(readonly ip: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("CF-Connecting-IP", this.ip);
    if (this.cookies.size > 0) {
      headers.set(
        "Cookie",
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      );
    }
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}${path}`, { ...init, headers, redirect: "manual" }),
    );
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { headers: { Accept: "text/html" } });
    return { res, html: await res.text() };
  }

  /** Posts a form the way a browser does, from this site's own page. */
  submit(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: ORIGIN,
        Accept: "text/html",
      },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** A JSON call (an API client: no Origin), from this visitor's address. */
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
  const form = action
    ? new RegExp(
        `<form action="${action.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}"[^>]*>([\\s\\S]*?)</form>`,
      ).exec(html)?.[1]
    : html;
  const token = /name="_csrf" value="([^"]+)"/.exec(form ?? "")?.[1];
  if (!token) throw new Error(`no CSRF token${action ? ` in the form posting to ${action}` : ""}`);
  return token;
}

let addresses = 0;
/** An IP address no other test uses, so rate limits never carry over between tests. */
export function freshIp(): string {
  addresses += 1;
  const salt = Math.floor(Math.random() * 0xffff).toString(16);
  return `2001:db8::${salt}:${addresses.toString(16)}`;
}
