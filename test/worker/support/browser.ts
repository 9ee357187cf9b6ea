import { exports } from "cloudflare:workers";
import { TestBrowser } from "nimbus-web/testing";

const ORIGIN = "http://nimbus.test";

/** A browser against the demo worker (cookies, CSRF tokens, same-site form posts). */
export class Browser extends TestBrowser {
  constructor() {
    super(exports.default, { origin: ORIGIN });
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
