import { describe, expect, it } from "vitest";
import { hostOfUrl } from "../../src/nimbus/security/host-check.ts";

// The Host check reads the host off the request URL's text instead of parsing it; for any URL a
// Request can carry it must agree with the URL parser.
describe("hostOfUrl", () => {
  const urls = [
    "http://localhost/",
    "http://localhost:8787/links?x=1",
    "https://Links.Example.COM/a/b",
    "http://127.0.0.1:80/",
    "https://example.com:443/x",
    "http://[::1]:8080/path",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://xn--bcher-kva.example/",
    "http://bücher.example/",
    "http://example.com?q=/a",
    "http://example.com#/frag",
    "http://example.com",
    "http://user:pass@example.com:81/",
  ];
  for (const text of urls) {
    it(text, () => {
      const normalised = new Request(text.includes("@") ? text.replace("user:pass@", "") : text)
        .url;
      expect(hostOfUrl(normalised)).toBe(new URL(normalised).host.toLowerCase());
      expect(hostOfUrl(new URL(text).href)).toBe(new URL(text).host.toLowerCase());
    });
  }
});
