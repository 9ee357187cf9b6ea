// Our own: RFC 9110 media types are small enough that a dependency would cost more than it saves.

/** A parsed `Content-Type`: lower-cased type and subtype, parameters apart. */
export interface MediaType {
  /** `type/subtype`, lower case, without parameters (e.g. "application/json"). */
  essence: string;
  type: string;
  subtype: string;
  /** Parameter names lower case; values as sent, quotes removed. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a media type the way RFC 9110 §8.3.1 writes it; null when it is not one. */
export function parseMediaType(header: string | null | undefined): MediaType | null {
  if (!header) return null;
  const [head = "", ...rest] = header.split(";");
  const slash = head.indexOf("/");
  if (slash === -1) return null;
  const type = head.slice(0, slash).trim().toLowerCase();
  const subtype = head
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const at = part.indexOf("=");
    if (at === -1) continue;
    const name = part.slice(0, at).trim().toLowerCase();
    let value = part.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    if (TOKEN.test(name) && !(name in params)) params[name] = value;
  }
  return { essence: `${type}/${subtype}`, type, subtype, params };
}

/** `application/json` or any `+json` type (e.g. application/merge-patch+json). */
export function isJsonType(media: MediaType | null): boolean {
  return (
    media !== null &&
    (media.essence === "application/json" ||
      (media.type === "application" && media.subtype.endsWith("+json")))
  );
}

/** The two encodings an HTML form posts. */
export function isFormType(media: MediaType | null): boolean {
  return (
    media?.essence === "application/x-www-form-urlencoded" ||
    media?.essence === "multipart/form-data"
  );
}

/**
 * Whether a page on another site can make a browser send this request body without asking
 * first (the CORS-safelisted types: forms and text/plain, or no type at all).
 */
export function isCrossSiteSendable(header: string | null | undefined): boolean {
  if (header === null || header === undefined) return true;
  const media = parseMediaType(header);
  // Anything a browser's CORS check would not recognise as a media type: treat as the worst case.
  if (media === null) return true;
  return isFormType(media) || media.essence === "text/plain";
}
