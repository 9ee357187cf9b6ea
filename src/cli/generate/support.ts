/** test/support/browser.ts of an app: what a browser and an API client do, against the worker in workerd. */
export function supportFile(): string {
  return `import { exports } from "cloudflare:workers";
import { TestBrowser } from "nimbus-web/testing";

const ORIGIN = "http://nimbus.test";

/** A browser against the worker: keeps its cookies, reads CSRF tokens, posts forms from this site. */
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
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...extraHeaders };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return exports.default.fetch(new Request(\`\${ORIGIN}\${path}\`, init));
}
`;
}
