// API tokens for non-browser clients: shown to the user once, stored only as a SHA-256 hash, so
// a leaked database holds nothing that can be sent as a token. 32 random bytes need no slow hash.

const PREFIX = "nimbus_";

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The hash to store and to look a presented token up by (hex SHA-256). */
export async function hashApiToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new token: give `token` to the user once and store `hash` (and `hint` to tell tokens apart). */
export async function createApiToken(): Promise<{ token: string; hash: string; hint: string }> {
  const token = `${PREFIX}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { token, hash: await hashApiToken(token), hint: token.slice(-4) };
}

/** The token of `Authorization: Bearer <token>` or `Authorization: Token <token>`, if any. */
export function presentedApiToken(authorization: string | undefined): string | undefined {
  const match = /^(?:Bearer|Token)\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}
