import { describe, expect, it } from "vitest";
import { strongEtag } from "../../../src/nimbus/cache/entry.ts";

describe("strongEtag", () => {
  it("is the first 128 bits of the SHA-256 of the text's UTF-8, quoted hex", async () => {
    // Known digests: SHA-256("abc") and SHA-256("é") (UTF-8 c3 a9), cut to 128 bits.
    expect(await strongEtag("abc")).toBe('"ba7816bf8f01cfea414140de5dae2223"');
    expect(await strongEtag("é")).toBe('"4a99557e4033c3539de2eb65472017ca"');
    for (const text of ["", "x".repeat(20_000), "😀 \uD800"]) {
      expect(await strongEtag(text)).toMatch(/^"[0-9a-f]{32}"$/);
    }
    expect(await strongEtag("a")).not.toBe(await strongEtag("b"));
  });
});
