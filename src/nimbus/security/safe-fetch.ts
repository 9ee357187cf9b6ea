import { type Cidr, type IpAddress, inCidr, parseCidr, parseIp } from "./ip.ts";

// Server-side request forgery: a URL a user typed makes the server fetch something only the
// server can reach (169.254.169.254, localhost, the database's private address). workerd has no
// DNS API, so names are checked by what they say and IP literals by the range they are in; a name
// that resolves to a private address needs the deployment's egress rules (see README).

/** Networks no user-supplied URL may reach. */
const BLOCKED = [
  "0.0.0.0/8", // "this network"; 0.0.0.0 reaches the local host on Linux
  "10.0.0.0/8",
  "100.64.0.0/10", // carrier-grade NAT
  "127.0.0.0/8",
  "169.254.0.0/16", // link-local, cloud metadata services
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, broadcast
  "::/128",
  "::1/128",
  "64:ff9b::/96", // NAT64: checked again as the IPv4 address inside
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/32", // Teredo
  "2001:db8::/32",
  "2002::/16", // 6to4: checked again as the IPv4 address inside
  "fc00::/7", // unique local
  "fe80::/10", // link-local
  "ff00::/8", // multicast
].map((text) => parseCidr(text) as Cidr);

/** Names that mean "this machine" or an internal network whatever DNS says. */
const BLOCKED_SUFFIXES = [".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet"];

/** Why a URL was refused (or a fetch stopped): the message says what to change. */
export class UnsafeUrlError extends Error {
  override name = "UnsafeUrlError";
}

/** Whether an address is one a user-supplied URL may reach (public unicast). */
export function isPublicAddress(ip: IpAddress): boolean {
  if (BLOCKED.some((network) => inCidr(ip, network))) return false;
  if (ip.version === 6) {
    const b = ip.bytes;
    // IPv4 embedded in NAT64 (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::) addresses.
    if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b)
      return isPublicAddress({ version: 4, bytes: b.slice(12) });
    if (b[0] === 0x20 && b[1] === 0x02)
      return isPublicAddress({ version: 4, bytes: b.slice(2, 6) });
    // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it).
    if (b.slice(0, 12).every((x) => x === 0)) return false;
  }
  return true;
}

export interface SafeFetchOptions {
  /** Schemes allowed (default http and https). */
  schemes?: readonly string[];
  /** Redirects followed, each checked like the first URL (default 5). */
  maxRedirects?: number;
  /** Bytes of body the returned response yields before it errors (default 1 MiB). */
  maxBytes?: number;
  /** Milliseconds for the whole exchange, redirects and body included (default 10 s). */
  timeoutMs?: number;
  /** Hosts (`name` or `name:port`) allowed even though private (e.g. a test server on 127.0.0.1). */
  allowHosts?: readonly string[];
  /** Request headers (no cookies or credentials of yours belong here). */
  headers?: HeadersInit;
  /**
   * Resolves a hostname to its addresses, so names are checked too (e.g. DNS over HTTPS where
   * the network allows it). Without it, names are only checked by what they say.
   */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Checks one URL; throws UnsafeUrlError saying why it may not be fetched. */
export async function assertSafeUrl(
  input: string | URL,
  options: Pick<SafeFetchOptions, "schemes" | "allowHosts" | "resolve"> = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UnsafeUrlError(`"${String(input).slice(0, 200)}" is not an absolute URL.`);
  }
  const schemes = options.schemes ?? ["http", "https"];
  if (!schemes.includes(url.protocol.slice(0, -1))) {
    throw new UnsafeUrlError(`${url.protocol} URLs are not fetched; only ${schemes.join(", ")}.`);
  }
  if (url.username || url.password) {
    throw new UnsafeUrlError("URLs with a user name or password (user@host) are not fetched.");
  }
  if (options.allowHosts?.some((allowed) => allowed === url.host || allowed === url.hostname))
    return url;
  // The URL parser has already turned 2130706433, 0x7f.1 and 017700000001 into 127.0.0.1.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const ip = parseIp(host);
  if (ip) {
    if (!isPublicAddress(ip)) throw new UnsafeUrlError(`${host} is not a public address.`);
    return url;
  }
  if (
    host === "localhost" ||
    !host.includes(".") ||
    BLOCKED_SUFFIXES.some((s) => host.endsWith(s))
  ) {
    throw new UnsafeUrlError(`${host} names this machine or an internal network.`);
  }
  if (options.resolve) {
    const addresses = await options.resolve(host);
    for (const text of addresses) {
      const resolved = parseIp(text);
      if (!resolved || !isPublicAddress(resolved)) {
        throw new UnsafeUrlError(`${host} resolves to ${text}, which is not a public address.`);
      }
    }
  }
  return url;
}

function limitBody(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          controller.error(new UnsafeUrlError(`The response is larger than ${maxBytes} bytes.`));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * `fetch` for URLs a user supplied: http(s) only, no `user@host`, no private, loopback,
 * link-local or otherwise internal address in any spelling, every redirect checked again, a
 * body that errors past `maxBytes`, and one deadline for it all. Sends no cookies.
 */
export async function safeFetch(
  input: string | URL,
  options: SafeFetchOptions = {},
): Promise<Response> {
  const maxRedirects = options.maxRedirects ?? 5;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let url = await assertSafeUrl(input, options);
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { headers: options.headers, redirect: "manual", signal });
    const location = res.headers.get("Location");
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel();
      if (hop >= maxRedirects) throw new UnsafeUrlError(`More than ${maxRedirects} redirects.`);
      url = await assertSafeUrl(new URL(location, url), options);
      continue;
    }
    if (!res.body) return res;
    return new Response(limitBody(res.body, options.maxBytes ?? 1024 * 1024), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  }
}
