// Password hashing on WebCrypto (no dependency, same code in workerd and Node): PBKDF2-SHA256 at
// workerd's iteration cap, a salt per password, and the algorithm and its parameters stored with
// the hash so hashes made today can be recognised and upgraded at a later sign-in.

/** workerd refuses PBKDF2 above 100,000 iterations. */
export const PBKDF2_ITERATIONS = 100_000;
const ALGORITHM = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Longer input costs time without adding strength (and bounds the work a request can ask for). */
export const MAX_PASSWORD_LENGTH = 1024;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** Constant time for equal lengths: the comparison takes as long whichever byte differs. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** `pbkdf2-sha256$100000$<salt>$<hash>` (base64): what to store for `password`. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`A password may be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${ALGORITHM}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** What checking a password found: whether it matches, and whether its hash should be redone. */
export interface PasswordCheck {
  ok: boolean;
  /** The stored hash uses older parameters: store `hashPassword(password)` now that it is known. */
  needsRehash: boolean;
}

/** Checks `password` against a stored hash; a malformed or unknown hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const [algorithm, iterationsText, saltText, hashText, extra] = stored.split("$");
  const iterations = Number(iterationsText);
  const salt = fromBase64(saltText ?? "");
  const expected = fromBase64(hashText ?? "");
  const usable =
    algorithm === ALGORITHM &&
    extra === undefined &&
    Number.isSafeInteger(iterations) &&
    iterations >= 1 &&
    iterations <= PBKDF2_ITERATIONS &&
    salt !== null &&
    expected !== null &&
    password.length <= MAX_PASSWORD_LENGTH;
  // Work is done even for an unusable hash, so timing does not tell which accounts exist.
  const actual = await derive(
    usable ? password : "",
    salt ?? new Uint8Array(SALT_BYTES),
    usable ? iterations : PBKDF2_ITERATIONS,
  );
  const ok = usable && expected !== null && sameBytes(actual, expected);
  return { ok, needsRehash: ok && iterations < PBKDF2_ITERATIONS };
}
