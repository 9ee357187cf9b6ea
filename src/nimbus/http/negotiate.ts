const JSON_SUFFIX = ".json";

/** Routing path with a trailing `.json` removed, so `/links/1.json` matches the `/links/:id` route. */
export function routingPath(request: Request): string {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const end = url.indexOf("?", start);
  const path = end === -1 ? url.slice(start) : url.slice(start, end);
  return path.endsWith(JSON_SUFFIX) ? path.slice(0, -JSON_SUFFIX.length) : path;
}

/**
 * JSON when the URL ends in `.json`, the client prefers JSON over HTML in its Accept header,
 * or it sent JSON without saying what it accepts (curl, fetch).
 */
export function preferredFormat(request: Request): "html" | "json" {
  const url = request.url;
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  if (path.endsWith(JSON_SUFFIX)) return "json";
  const accept = request.headers.get("Accept") ?? "";
  if (!accept.includes("json")) {
    const sentJson = request.headers.get("Content-Type")?.includes("json") ?? false;
    return sentJson && !accept.includes("text/html") ? "json" : "html";
  }
  const html = accept.indexOf("text/html");
  return html === -1 || accept.indexOf("json") < html ? "json" : "html";
}
