/** Drives a Nimbus app through app.request() as an API client or a browser would. */
import {
  CONSISTENCY_COOKIE,
  CONSISTENCY_HEADER,
  type NimbusApp,
} from "../../../../src/nimbus/index.ts";

const ORIGIN = "http://nimbus.test";
export const ENV = { NIMBUS_ENV: "development" };

type App = Pick<NimbusApp, "request">;

/** A JSON API client that keeps its consistency token in a header, as the docs tell it to. */
export class ApiClient {
  token: string | undefined;
  readonly #app: App;
  readonly #env: Record<string, unknown>;

  constructor(app: App, env: Record<string, unknown> = ENV) {
    this.#app = app;
    this.#env = env;
  }

  async call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.token) headers[CONSISTENCY_HEADER] = this.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await this.#app.request(`${ORIGIN}${path}`, init, this.#env);
    this.token = res.headers.get(CONSISTENCY_HEADER) ?? this.token;
    return res;
  }

  /** Creates a link and returns its id. */
  async createLink(tag: string): Promise<number> {
    const res = await this.call("POST", "/links", {
      title: `Link ${tag}`,
      url: `https://example.com/${tag}`,
    });
    if (res.status !== 201) throw new Error(`create ${tag}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: { id: number } }).data.id;
  }
}

/** A browser: keeps every cookie (session and consistency token) and posts forms with CSRF. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly #app: App;
  readonly #env: Record<string, unknown>;

  constructor(app: App, env: Record<string, unknown> = ENV) {
    this.#app = app;
    this.#env = env;
  }

  get token(): string | undefined {
    return this.cookies.get(CONSISTENCY_COOKIE);
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Accept", "text/html");
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (cookie) headers.set("Cookie", cookie);
    const res = await this.#app.request(`${ORIGIN}${path}`, { ...init, headers }, this.#env);
    for (const set of res.headers.getSetCookie()) {
      const [pair = ""] = set.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  /** Submits the form found on `formPage` to `action`, as a browser would. */
  async submit(formPage: string, action: string, fields: Record<string, string>) {
    const html = await (await this.request(formPage)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    return this.request(action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
    });
  }
}
