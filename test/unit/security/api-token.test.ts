import { describe, expect, it } from "vitest";
import {
  createApiToken,
  hashApiToken,
  presentedApiToken,
} from "../../../src/nimbus/accounts/api-token.ts";

describe("API tokens", () => {
  it("are random, stored as a hash that finds them again, and read from Bearer or Token", async () => {
    const a = await createApiToken();
    const b = await createApiToken();
    expect(a.token).toMatch(/^nimbus_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.token);
    expect(await hashApiToken(a.token)).toBe(a.hash);
    expect(presentedApiToken(`Bearer ${a.token}`)).toBe(a.token);
    expect(presentedApiToken(`token ${a.token}`)).toBe(a.token);
    expect(presentedApiToken(`Basic ${a.token}`)).toBeUndefined();
    expect(presentedApiToken(undefined)).toBeUndefined();
  });
});
