/** test/support/browser.ts of an app: what a browser and an API client do, against the worker in workerd. */
export function supportFile(): string {
  return `import { exports } from "cloudflare:workers";

const ORIGIN = "http://nimbus.test";

/** A browser against the worker: keeps its cookies and reads CSRF tokens from forms. */
export class Browser {
  readonly cookies = new Map<string, string>();

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies].map(([name, value]) => \`\${name}=\${value}\`).join("; ");
    if (cookie) headers.set("Cookie", cookie);
    const res = await exports.default.fetch(
      new Request(\`\${ORIGIN}\${path}\`, { ...init, headers, redirect: "manual" }),
    );
    for (const set of res.headers.getSetCookie()) {
      const [pair = ""] = set.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { headers: { Accept: "text/html" } });
    return { res, html: await res.text() };
  }

  /** The \`_csrf\` value of the first form on the page at \`path\`. */
  async csrfFrom(path: string): Promise<string> {
    const { html } = await this.page(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(\`no CSRF token in the page at \${path}\`);
    return token;
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
}

/** A JSON API call, as curl or fetch would make it (no cookies, no Origin). */
export function api(path: string, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return exports.default.fetch(new Request(\`\${ORIGIN}\${path}\`, init));
}
`;
}
