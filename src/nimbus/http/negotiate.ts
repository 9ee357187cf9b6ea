const JSON_SUFFIX = ".json";

/** The path of a request URL, without the query. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const end = url.indexOf("?", start);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}

/**
 * Routing path with a trailing `.json` removed when what is left is a resource route, so
 * `/links/1.json` matches `/links/:id`; any other path (a plain route's `/profiles/carol.json`)
 * is routed as it was sent.
 */
export function routingPathFor(isResourcePath: (path: string) => boolean) {
  return (request: Request): string => {
    const path = pathOf(request.url);
    if (!path.endsWith(JSON_SUFFIX)) return path;
    const stripped = path.slice(0, -JSON_SUFFIX.length);
    return isResourcePath(stripped) ? stripped : path;
  };
}

/** True when the routing path dropped a `.json` suffix from the URL (see routingPathFor). */
export function strippedJsonSuffix(request: Request, routingPath: string): boolean {
  return routingPath !== pathOf(request.url) && pathOf(request.url).endsWith(JSON_SUFFIX);
}

/**
 * JSON when the client prefers JSON over HTML in its Accept header, or sent JSON without
 * saying what it accepts (curl, fetch). A resource URL ending in `.json` is JSON too (the app
 * checks that, knowing which paths are resources).
 */
export function preferredFormat(request: Request): "html" | "json" {
  const accept = request.headers.get("Accept") ?? "";
  if (!accept.includes("json")) {
    const sentJson = request.headers.get("Content-Type")?.includes("json") ?? false;
    return sentJson && !accept.includes("text/html") ? "json" : "html";
  }
  const html = accept.indexOf("text/html");
  return html === -1 || accept.indexOf("json") < html ? "json" : "html";
}
