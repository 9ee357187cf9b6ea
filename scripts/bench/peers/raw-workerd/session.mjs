// The CSRF token the demo's forms carry, kept per client in an HMAC-signed cookie, by hand with
// WebCrypto: the floor has no cookie library either.
import { SESSION_SECRET } from "../shared/demo.mjs";

const COOKIE = "session";
const encoder = new TextEncoder();
let key;

async function sign(value) {
  key ??= await crypto.subtle.importKey(
    "raw",
    encoder.encode(SESSION_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(value));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

async function readToken(cookieHeader) {
  const raw = cookieHeader
    ?.split(/;\s*/)
    .find((part) => part.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return undefined;
  const signed = decodeURIComponent(raw);
  const dot = signed.lastIndexOf(".");
  if (dot < 0) return undefined;
  const value = signed.slice(0, dot);
  // Comparing two MACs of equal length: a timing leak would reveal nothing usable.
  if ((await sign(value)) !== signed.slice(dot + 1)) return undefined;
  try {
    return JSON.parse(value).csrf;
  } catch {
    return undefined;
  }
}

/** The client's token, and the Set-Cookie header to send when it is new. */
export async function csrfToken(request) {
  const known = await readToken(request.headers.get("Cookie"));
  if (known) return { token: known, setCookie: undefined };
  const token = crypto.randomUUID();
  const value = JSON.stringify({ csrf: token });
  const cookie = `${COOKIE}=${encodeURIComponent(`${value}.${await sign(value)}`)}; Path=/; HttpOnly; SameSite=Lax`;
  return { token, setCookie: cookie };
}
