/** A browser's side of a Nimbus app's HTML forms over HTTP: cookies kept, the CSRF token read from a form. */
export class FormBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Accept", "text/html");
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie) headers.set("Cookie", cookie);
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    for (const set of res.headers.getSetCookie()) {
      const [pair = ""] = set.split(";");
      this.cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
    }
    return res;
  }

  /** The page's text (and its status, for the caller to check). */
  async page(path: string): Promise<{ status: number; html: string }> {
    const res = await this.request(path);
    return { status: res.status, html: await res.text() };
  }

  async csrfFrom(path: string): Promise<string> {
    const { html } = await this.page(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path}`);
    return token;
  }

  submit(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: this.base },
      body: new URLSearchParams(fields).toString(),
    });
  }
}
