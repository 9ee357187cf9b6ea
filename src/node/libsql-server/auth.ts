/**
 * Authentication as sqld does it: `Authorization: Bearer <token>` where the token is either a
 * static secret or a JWT signed with Ed25519 (alg EdDSA), as sqld and Turso issue them. The
 * JWT key is an Ed25519 public key, in a file as sqld's --auth-jwt-key-file takes it: PEM
 * (SPKI, "BEGIN PUBLIC KEY") or the raw 32 bytes in URL-safe base64. Claims honoured: `exp`,
 * `nbf`, and `a` (access: "ro" = read-only, "rw" or absent = read-write).
 * Verification is node:crypto's (Ed25519 signatures): no JWT library.
 */
import { createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { readFileSync } from "node:fs";

export type Access = "read-write" | "read-only";

export type AuthOptions = {
  /** Static bearer token. */
  token?: string | undefined;
  /** Ed25519 public key verifying JWTs. */
  jwtKey?: KeyObject | undefined;
};

export type AuthResult = { ok: true; access: Access } | { ok: false; message: string };

/** Reads an Ed25519 public key the way sqld's --auth-jwt-key-file does. */
export function loadJwtKey(file: string): KeyObject {
  const text = readFileSync(file, "utf8").trim();
  return parseJwtKey(text, file);
}

/** An Ed25519 public key from PEM (SPKI) or raw URL-safe base64 text. */
export function parseJwtKey(text: string, where = "the JWT key"): KeyObject {
  let key: KeyObject;
  try {
    if (text.includes("-----BEGIN")) {
      key = createPublicKey(text);
    } else {
      const raw = Buffer.from(text.replace(/=+$/, ""), "base64url");
      if (raw.length !== 32) throw new Error(`expected 32 bytes, got ${raw.length}`);
      key = createPublicKey({
        key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") },
        format: "jwk",
      });
    }
  } catch (err) {
    throw new Error(
      `${where} is not an Ed25519 public key (PEM, or 32 bytes in URL-safe base64): ${err instanceof Error ? err.message : err}`,
    );
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new Error(`${where} is a ${key.asymmetricKeyType} key; sqld's JWTs are Ed25519 (EdDSA)`);
  }
  return key;
}

const FAIL = (message: string): AuthResult => ({ ok: false, message: `Unauthorized: ${message}` });

/** True when requests need a token. */
export function authRequired(options: AuthOptions): boolean {
  return options.token !== undefined || options.jwtKey !== undefined;
}

/** Checks a request's Authorization header. */
export function authenticate(options: AuthOptions, header: string | undefined): AuthResult {
  if (!authRequired(options)) return { ok: true, access: "read-write" };
  if (header === undefined) {
    return FAIL("The `Authorization` HTTP header is required but was not specified");
  }
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  const value = space < 0 ? "" : header.slice(space + 1).trim();
  if (scheme.toLowerCase() !== "bearer" || value === "") {
    return FAIL(
      "The authentication scheme in the `Authorization` HTTP header is not supported (use Bearer)",
    );
  }
  if (options.token !== undefined && sameSecret(value, options.token)) {
    return { ok: true, access: "read-write" };
  }
  if (options.jwtKey !== undefined && value.split(".").length === 3) {
    return verifyJwt(options.jwtKey, value);
  }
  return FAIL("The auth token is invalid");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Verifies an EdDSA JWT: signature, then time claims, then the access claim. */
export function verifyJwt(key: KeyObject, token: string, now = Date.now() / 1000): AuthResult {
  const [head, body, signature] = token.split(".") as [string, string, string];
  const header = decodePart(head);
  if (header === null || header.alg !== "EdDSA") {
    return FAIL("The JWT is not signed with EdDSA (Ed25519)");
  }
  const signed = verify(
    null,
    Buffer.from(`${head}.${body}`),
    key,
    Buffer.from(signature, "base64url"),
  );
  if (!signed) return FAIL("The JWT signature is invalid");
  const claims = decodePart(body);
  if (claims === null) return FAIL("The JWT claims are not a JSON object");
  if (typeof claims.exp === "number" && claims.exp <= now) return FAIL("The JWT has expired");
  if (typeof claims.nbf === "number" && claims.nbf > now) return FAIL("The JWT is not valid yet");
  switch (claims.a) {
    case undefined:
    case "rw":
      return { ok: true, access: "read-write" };
    case "ro":
      return { ok: true, access: "read-only" };
    default:
      return FAIL(`The JWT grants unknown access ${JSON.stringify(claims.a)}`);
  }
}
