import type { Context, MiddlewareHandler } from "hono";
import type { NimbusEnv } from "../env.ts";
import { HttpError } from "../http/errors.ts";
import { parseIp } from "./ip.ts";

// DNS rebinding: a page on evil.example re-points its own name at 127.0.0.1 (or a node's private
// address) and then talks to the app as a same-origin page. Only the Host header tells it apart.

/** Top-level names nobody can register (RFC 6761/2606), so nobody can rebind them. */
const RESERVED_TLDS = ["localhost", "test", "invalid", "example"];

function hostnameOf(host: string): string {
  const bracket = /^\[([^\]]+)\]/.exec(host);
  if (bracket?.[1]) return bracket[1];
  return host.replace(/:\d+$/, "").toLowerCase();
}

/** Hosts an attacker cannot make a browser treat as their own: loopback addresses and reserved names. */
export function isLocalHost(host: string): boolean {
  const name = hostnameOf(host);
  const ip = parseIp(name);
  if (ip) return ip.version === 4 ? ip.bytes[0] === 127 : name === "::1" || /^[0:]+:1$/.test(name);
  const tld = name.split(".").at(-1) ?? "";
  return RESERVED_TLDS.includes(tld);
}

/**
 * The host (`name[:port]`, lower case) of a request's URL. Request URLs are absolute and already
 * normalised by the runtime's URL parser, so the text between `//` and the next `/` is the host;
 * anything unusual (credentials) goes through the parser.
 */
export function hostOfUrl(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  const host = end === -1 ? url.slice(start) : url.slice(start, end);
  return host.includes("@") || host.includes("?") || host.includes("#")
    ? new URL(url).host.toLowerCase()
    : host.toLowerCase();
}

/** The hosts (`name[:port]`, lower case) of a comma-separated origin list. */
export function originHosts(origins: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const origin of origins.flatMap((entry) => entry.split(","))) {
    const text = origin.trim();
    if (!text) continue;
    try {
      hosts.add(new URL(text).host.toLowerCase());
    } catch {
      throw new Error(
        `NIMBUS_ORIGINS: "${text}" is not an origin such as https://links.example.com`,
      );
    }
  }
  return hosts;
}

/**
 * Answers 421 to a request for a host the app does not serve. The hosts are those of createApp's
 * `origins` plus `NIMBUS_ORIGINS`; with none configured, development accepts only local hosts
 * (loopback, *.localhost, *.test) and production accepts any (Cloudflare routes only your own
 * hostnames to the Worker; self-hosted gateways should set NIMBUS_ORIGINS).
 */
export function hostCheck(origins: readonly string[] = []): MiddlewareHandler<NimbusEnv> {
  const guard = hostGuard(origins);
  return async (c, next) => {
    guard(c);
    return next();
  };
}

/** hostCheck's test as a plain function (throws the 421), for a middleware that runs several checks. */
export function hostGuard(origins: readonly string[] = []): (c: Context<NimbusEnv>) => void {
  const cache = new Map<string, Set<string>>();
  return (c) => {
    const fromEnv = c.env?.NIMBUS_ORIGINS ?? "";
    let allowed = cache.get(fromEnv);
    if (!allowed) {
      allowed = originHosts([...origins, fromEnv]);
      cache.set(fromEnv, allowed);
    }
    // Production with no origins configured accepts every host: nothing to read.
    if (allowed.size === 0 && c.env?.NIMBUS_ENV !== "development") return;
    const host = hostOfUrl(c.req.url);
    const ok = allowed.size > 0 ? allowed.has(host) : isLocalHost(host);
    if (!ok) {
      throw new HttpError(
        421,
        "Misdirected Request",
        `This app does not serve the host "${host}". Add its origin to NIMBUS_ORIGINS (or createApp's \`origins\`) if it should.`,
      );
    }
  };
}
