// Vitest globalSetup of the "worker" project: a real HTTP server in Node that the demo's
// fetch-title job fetches from inside workerd. Its URL reaches the tests as inject("titleServer").
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** e.g. http://127.0.0.1:41234 */
    titleServer: string;
  }
}

/** Pages by path: what a link's URL can point at. */
const PAGES: Record<string, { status: number; type: string; body: string }> = {
  "/titled": {
    status: 200,
    type: "text/html; charset=utf-8",
    body: "<!DOCTYPE html><html><head><meta charset=utf-8><title>\n  Tea &amp; Biscuits &#8211; a page\n</title></head><body><h1>Hi</h1></body></html>",
  },
  "/untitled": {
    status: 200,
    type: "text/html; charset=utf-8",
    body: "<!DOCTYPE html><p>No title here.</p>",
  },
  "/broken": { status: 500, type: "text/plain", body: "the server broke" },
};

export default async function setup(project: TestProject) {
  const server = createServer((request, response) => {
    // /titled/<anything> is /titled: each test's links need URLs of their own.
    const url = new URL(request.url ?? "/", "http://x");
    const path = `/${url.pathname.split("/")[1]}`;
    // /bounce?to=URL redirects there: a public page that sends the fetcher somewhere internal.
    if (path === "/bounce") {
      response.writeHead(302, { location: url.searchParams.get("to") ?? "/" });
      response.end();
      return;
    }
    const page = PAGES[path] ?? { status: 404, type: "text/plain", body: "no such page" };
    response.writeHead(page.status, { "content-type": page.type });
    response.end(page.body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port for the server");
  project.provide("titleServer", `http://127.0.0.1:${address.port}`);
  return () => new Promise<void>((done) => server.close(() => done()));
}
