import { describe, expect, it } from "vitest";
import {
  isCrossSiteSendable,
  isJsonType,
  parseMediaType,
} from "../../../src/nimbus/http/media-type.ts";
import { formatIp, inCidr, parseCidr, parseIp } from "../../../src/nimbus/security/ip.ts";
import { safeReturnPath } from "../../../src/nimbus/security/return-path.ts";
import { assertSafeUrl } from "../../../src/nimbus/security/safe-fetch.ts";

function ip(text: string) {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`${text} did not parse`);
  return parsed;
}
function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`${text} did not parse`);
  return parsed;
}

describe("IP addresses and networks", () => {
  it("parses both families, brackets, zones and IPv4-mapped IPv6", () => {
    expect(formatIp(ip("10.1.2.3"))).toBe("10.1.2.3");
    expect(formatIp(ip("[::1]"))).toBe("0:0:0:0:0:0:0:1");
    expect(formatIp(ip("fe80::1%eth0"))).toBe("fe80:0:0:0:0:0:0:1");
    expect(formatIp(ip("::ffff:192.0.2.1"))).toBe("192.0.2.1");
    for (const bad of ["1.2.3", "256.1.1.1", "1::2::3", "x", "", "01.2.3.4.5"])
      expect(parseIp(bad)).toBeNull();
  });

  it("matches CIDR networks", () => {
    const net = cidr("10.0.0.0/8");
    expect(inCidr(ip("10.200.1.1"), net)).toBe(true);
    expect(inCidr(ip("11.0.0.1"), net)).toBe(false);
    expect(inCidr(ip("fd12::1"), cidr("fc00::/7"))).toBe(true);
    expect(parseCidr("10.0.0.0/33")).toBeNull();
  });
});

describe("media types", () => {
  it("compares type and subtype without case and keeps parameters apart", () => {
    expect(parseMediaType("Text/Plain; x=application/json")?.essence).toBe("text/plain");
    expect(isJsonType(parseMediaType("Text/Plain; x=application/json"))).toBe(false);
    expect(isJsonType(parseMediaType("APPLICATION/JSON; charset=utf-8"))).toBe(true);
    expect(isJsonType(parseMediaType("application/problem+json"))).toBe(true);
    expect(isJsonType(parseMediaType("application/jsonp"))).toBe(false);
    expect(isCrossSiteSendable("multipart/form-data; boundary=x")).toBe(true);
    expect(isCrossSiteSendable("application/json")).toBe(false);
    expect(isCrossSiteSendable("garbage")).toBe(true);
  });
});

describe("return paths", () => {
  it("keeps same-origin paths and refuses the rest", () => {
    expect(safeReturnPath("/links?page=2#x")).toBe("/links?page=2#x");
    expect(safeReturnPath("/links/été")).toBe("/links/%C3%A9t%C3%A9");
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/a\r\nb",
      "https://x",
      "links",
      "",
      42,
      null,
    ]) {
      expect(safeReturnPath(bad)).toBeNull();
    }
  });
});

describe("user-supplied URLs", () => {
  it.each([
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://017700000001/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://localhost/",
    "http://localhost./",
    "http://app.localhost/",
    "http://printer.local/",
    "http://metadata.google.internal/",
    "http://intranet/",
    "http://user@example.com/",
    "http://user:pw@example.com/",
    "file:///etc/passwd",
    "gopher://example.com/",
    "ftp://example.com/",
    "not a url",
  ])("refuses %s", async (url) => {
    await expect(assertSafeUrl(url)).rejects.toThrow();
  });

  it.each(["https://example.com/page", "http://93.184.215.14/", "http://[2606:4700::1111]/"])(
    "allows %s",
    async (url) => {
      expect((await assertSafeUrl(url)).href).toBe(new URL(url).href);
    },
  );

  it("checks what a resolver says a name is", async () => {
    const resolve = async () => ["10.0.0.7"];
    await expect(assertSafeUrl("https://rebound.example.com/", { resolve })).rejects.toThrow(
      /resolves to 10.0.0.7/,
    );
  });
});
