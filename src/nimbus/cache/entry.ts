/** What the cache keeps of a response: plain data, so any tier can store it and any request can use it. */
export interface Entry {
  status: number;
  headers: [string, string][];
  body: string;
  /** Stands where each viewer's CSRF token goes; random per entry, so no content can forge it. */
  placeholder: string | null;
  /** Strong validator of `body` (before the viewer's token is put in). */
  etag: string;
  /** The consistency token the fill's reads had reached (undefined: unknown). */
  token: string | undefined;
  /** Milliseconds since the epoch: fresh until, then stale (served while refreshing) until. */
  freshUntil: number;
  staleUntil: number;
}

/** A strong ETag of `text`: the first 128 bits of its SHA-256. */
export async function strongEtag(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0"));
  return `"${hex.join("")}"`;
}

/** 32-bit FNV-1a: tells one viewer's token from another inside an ETag, not a secret. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

const encoder = new TextEncoder();
/** An entry's body as UTF-8, cut where the placeholder stands, and those pieces' total size. */
interface Pieces {
  parts: Uint8Array[];
  bytes: number;
}
/** Each entry's pieces: encoded once, not per request. */
const pieces = new WeakMap<Entry, Pieces>();

function piecesOf(entry: Entry): Pieces {
  let cut = pieces.get(entry);
  if (!cut) {
    const text = entry.placeholder === null ? [entry.body] : entry.body.split(entry.placeholder);
    const parts = text.map((part) => encoder.encode(part));
    cut = { parts, bytes: parts.reduce((sum, part) => sum + part.byteLength, 0) };
    pieces.set(entry, cut);
  }
  return cut;
}

/** The entry's body and ETag as one viewer gets them: their own CSRF token in place. */
export function personalize(
  entry: Entry,
  token: string | undefined,
): { body: Uint8Array; etag: string } {
  const { parts, bytes } = piecesOf(entry);
  if (parts.length === 1 || token === undefined) {
    return {
      body: parts.length === 1 ? (parts[0] as Uint8Array) : encoder.encode(entry.body),
      etag: entry.etag,
    };
  }
  const filler = encoder.encode(token);
  const body = new Uint8Array(bytes + filler.byteLength * (parts.length - 1));
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) {
      body.set(filler, at);
      at += filler.byteLength;
    }
    const part = parts[i] as Uint8Array;
    body.set(part, at);
    at += part.byteLength;
  }
  return { body, etag: `${entry.etag.slice(0, -1)}-${fnv1a(token)}"` };
}
