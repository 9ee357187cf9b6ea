// Hono's signed cookies (hono/cookie), with the HMAC key imported once per secret instead of on
// every read and write: the same format, so cookies signed by either read in the other.
import { parse, serialize } from "hono/utils/cookie";

type CookieOptions = Parameters<typeof serialize>[2];

const HMAC = { name: "HMAC", hash: "SHA-256" } as const;
const encoder = new TextEncoder();
/** Imported keys by secret; a few at most (a rotated secret adds one). */
const keys = new Map<string, CryptoKey>();
const MAX_KEYS = 8;

async function keyFor(secret: string): Promise<CryptoKey> {
  const known = keys.get(secret);
  if (known) return known;
  // Imported inside the request that first needs it: workerd allows no crypto at startup.
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), HMAC, false, [
    "sign",
    "verify",
  ]);
  if (keys.size >= MAX_KEYS) keys.clear();
  keys.set(secret, key);
  return key;
}

/**
 * `Set-Cookie` text for `value` signed with `secret`, as hono's serializeSigned writes it.
 * `attributes` is the part after the value, e.g. `; Path=/; HttpOnly; SameSite=Lax`
 * (cookieAttributes makes it once): the name and attributes are the caller's constants, so
 * they are not checked again for every cookie.
 */
export async function signedCookieText(
  name: string,
  value: string,
  secret: string,
  attributes: string,
): Promise<string> {
  // A known key without a wait: each await is another turn of the microtask queue.
  const key = keys.get(secret) ?? (await keyFor(secret));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(value)));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return `${name}=${encodeURIComponent(`${value}.${btoa(binary)}`)}${attributes}`;
}

/** What hono's serialize writes after a cookie's value for these options (checked there once). */
export function cookieAttributes(name: string, options: CookieOptions): string {
  const text = serialize(name, "", options);
  return text.slice(text.indexOf(";") === -1 ? text.length : text.indexOf(";"));
}

/**
 * The value of cookie `name` in the `Cookie` header when its signature holds; undefined when
 * absent, false when tampered with (as hono's getSignedCookie answers).
 */
export async function verifiedCookie(
  header: string,
  name: string,
  secret: string,
): Promise<string | false | undefined> {
  const value = parse(header, name)[name];
  if (value === undefined) return undefined;
  const dot = value.lastIndexOf(".");
  if (dot < 0) return undefined;
  const signed = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return undefined;
  try {
    const text = atob(signature);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const ok = await crypto.subtle.verify(
      "HMAC",
      keys.get(secret) ?? (await keyFor(secret)),
      bytes,
      encoder.encode(signed),
    );
    return ok ? signed : false;
  } catch {
    return false;
  }
}
