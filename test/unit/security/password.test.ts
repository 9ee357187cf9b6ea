import { describe, expect, it } from "vitest";
import {
  hashPassword,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "../../../src/nimbus/accounts/password.ts";

describe("password hashes", () => {
  it("store the algorithm and parameters, a salt of their own, and verify", async () => {
    const [a, b] = [await hashPassword("correct horse"), await hashPassword("correct horse")];
    expect(a).toMatch(
      new RegExp(
        `^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}$`,
      ),
    );
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("correct horsf", a)).toEqual({ ok: false, needsRehash: false });
  });

  it("flag a hash made with fewer iterations for an upgrade, and refuse malformed ones", async () => {
    const old = (await hashPassword("pw")).split("$");
    // A hash of "pw" at 1,000 iterations, as an older version would have stored it.
    const salt = Uint8Array.from(atob(old[2] ?? ""), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("pw"),
      "PBKDF2",
      false,
      ["deriveBits"],
    );
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 },
      key,
      256,
    );
    const stored = `pbkdf2-sha256$1000$${old[2]}$${btoa(String.fromCharCode(...new Uint8Array(bits)))}`;
    expect(await verifyPassword("pw", stored)).toEqual({ ok: true, needsRehash: true });
    for (const bad of [
      "",
      "md5$1$x$y",
      "pbkdf2-sha256$9999999$AA==$AA==",
      "pbkdf2-sha256$x$%%$%%",
      `${old.join("$")}$extra`,
    ]) {
      expect((await verifyPassword("pw", bad)).ok).toBe(false);
    }
  });
});
