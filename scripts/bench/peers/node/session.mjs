// The CSRF token the demo's forms carry, kept per client in an HMAC-signed cookie, as an Express
// or Fastify app without a session library would do it (the demo signs its cookie the same way).
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { SESSION_SECRET } from "../shared/demo.mjs";

const COOKIE = "session";

const sign = (value) => createHmac("sha256", SESSION_SECRET).update(value).digest("base64");

function readToken(cookieHeader) {
  const raw = cookieHeader
    ?.split(/;\s*/)
    .find((part) => part.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return undefined;
  const signed = decodeURIComponent(raw);
  const dot = signed.lastIndexOf(".");
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(sign(value));
  if (dot < 0 || given.length !== expected.length || !timingSafeEqual(given, expected))
    return undefined;
  try {
    return JSON.parse(value).csrf;
  } catch {
    return undefined;
  }
}

/** The client's token, and the Set-Cookie header to send when it is new. */
export function csrfToken(cookieHeader) {
  const known = readToken(cookieHeader);
  if (known) return { token: known, setCookie: undefined };
  const token = randomUUID();
  const value = JSON.stringify({ csrf: token });
  const cookie = `${COOKIE}=${encodeURIComponent(`${value}.${sign(value)}`)}; Path=/; HttpOnly; SameSite=Lax`;
  return { token, setCookie: cookie };
}
