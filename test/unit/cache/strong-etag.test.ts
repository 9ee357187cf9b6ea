import { describe, expect, it } from "vitest";
import { strongEtag, webCryptoEtag } from "../../../src/nimbus/cache/entry.ts";

describe("strongEtag", () => {
  it("is the first 128 bits of the SHA-256 of the text's UTF-8, the same through node:crypto and Web Crypto", async () => {
    const texts = [
      "",
      "<!DOCTYPE html><p>hello</p>",
      "é ü 中文 😀 — non-ASCII in every UTF-8 length",
      // Lone surrogates: both paths encode them as U+FFFD, as TextEncoder does.
      "broken \uD800 pair \uDC00 end",
      "x".repeat(20_000),
    ];
    for (const text of texts) {
      const etag = await strongEtag(text);
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(etag).toBe(await webCryptoEtag(text));
    }
    // The known digest of "abc", cut to 128 bits.
    expect(await strongEtag("abc")).toBe('"ba7816bf8f01cfea414140de5dae2223"');
    expect(await strongEtag("a")).not.toBe(await strongEtag("b"));
  });
});
