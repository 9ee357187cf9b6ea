import { type Cidr, formatIp, inCidr, parseCidr, parseIp } from "./ip.ts";

/**
 * Who may tell the app the client's address and scheme. Parsed from the `NIMBUS_TRUSTED_PROXIES`
 * variable (comma-separated) plus createApp's `trustedProxies`:
 * - `cloudflare`: the app runs on Cloudflare's edge, which sets `CF-Connecting-IP` itself and
 *   overwrites any value a client sends (`nimbus deploy` adds this unless the config says otherwise);
 * - IPs and CIDRs (`10.0.0.0/8`, `fd00::/8`): the gateways in front of self-hosted nodes, which
 *   append the client to `X-Forwarded-For` (or `Forwarded`) and set `X-Forwarded-Proto`.
 * With neither, no forwarding header is believed: any client can write them.
 */
export interface TrustedProxies {
  cloudflare: boolean;
  networks: Cidr[];
}

/** Parses a `NIMBUS_TRUSTED_PROXIES`-style list; throws on an entry that is neither keyword nor network. */
export function parseTrustedProxies(list: readonly string[]): TrustedProxies {
  const trust: TrustedProxies = { cloudflare: false, networks: [] };
  for (const raw of list.flatMap((entry) => entry.split(","))) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.toLowerCase() === "cloudflare") {
      trust.cloudflare = true;
      continue;
    }
    const network = parseCidr(entry);
    if (!network) {
      throw new Error(
        `NIMBUS_TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR network (10.0.0.0/8) or "cloudflare".`,
      );
    }
    trust.networks.push(network);
  }
  return trust;
}

/** What the helpers read of a request context (any Hono context fits). */
export interface TrustContext {
  req: { url: string; header(name: string): string | undefined };
  env?: unknown;
  var?: unknown;
  /** Hono's `c.get`: one variable, where `c.var` copies them all into a new object. */
  get?: unknown;
}

const parsedEnv = new Map<string, TrustedProxies>();

/** The trust in effect for this request: the app's (createApp sets it) or the environment's. */
export function trustedProxies(c: TrustContext): TrustedProxies {
  const fromApp = (
    typeof c.get === "function"
      ? (c as { get(key: string): unknown }).get("trustedProxies")
      : (c.var as { trustedProxies?: unknown } | undefined)?.trustedProxies
  ) as TrustedProxies | undefined;
  if (fromApp) return fromApp;
  const env = (c.env ?? {}) as { NIMBUS_TRUSTED_PROXIES?: string };
  const text = env.NIMBUS_TRUSTED_PROXIES ?? "";
  let trust = parsedEnv.get(text);
  if (!trust) {
    trust = parseTrustedProxies([text]);
    parsedEnv.set(text, trust);
  }
  return trust;
}

function isDevelopment(c: TrustContext): boolean {
  return (c.env as { NIMBUS_ENV?: string } | undefined)?.NIMBUS_ENV === "development";
}

/** `for=` addresses of a `Forwarded` header (RFC 7239), in order. */
function forwardedFor(header: string): string[] {
  const out: string[] = [];
  for (const element of header.split(",")) {
    for (const pair of element.split(";")) {
      const [name, value] = pair.split("=");
      if (name?.trim().toLowerCase() === "for" && value !== undefined)
        out.push(value.trim().replace(/^"|"$/g, ""));
    }
  }
  return out;
}

/** `1.2.3.4:80` → `1.2.3.4`, `[::1]:80` → `::1`; other text as it is. */
function withoutPort(entry: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracket?.[1]) return bracket[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4?.[1] ?? entry;
}

/** The hops the gateways reported, nearest last. */
function forwardedChain(c: TrustContext): string[] {
  const xff = c.req.header("X-Forwarded-For");
  if (xff) return xff.split(",").map((hop) => withoutPort(hop.trim()));
  const forwarded = c.req.header("Forwarded");
  return forwarded ? forwardedFor(forwarded).map(withoutPort) : [];
}

/**
 * The client's IP address, as only a trusted party can state it; null when nobody trusted said.
 *
 * On Cloudflare (`cloudflare` trusted) it is `CF-Connecting-IP`. Behind self-hosted gateways
 * (their networks trusted) it is the nearest `X-Forwarded-For`/`Forwarded` hop that is not a
 * gateway itself: everything left of it was written by the client and is ignored. In development
 * `CF-Connecting-IP` is believed too (wrangler dev sets it from the socket).
 * Rate limits and anything else that counts clients key on this.
 */
export function clientAddress(c: TrustContext): string | null {
  const trust = trustedProxies(c);
  if (trust.cloudflare || isDevelopment(c)) {
    const ip = parseIp(c.req.header("CF-Connecting-IP") ?? "");
    if (ip) return formatIp(ip);
  }
  if (trust.networks.length === 0) return null;
  const chain = forwardedChain(c);
  for (let i = chain.length - 1; i >= 0; i--) {
    const ip = parseIp(chain[i] ?? "");
    if (!ip) return null;
    if (i > 0 && trust.networks.some((network) => inCidr(ip, network))) continue;
    return formatIp(ip);
  }
  return null;
}

/** Whether the client reached us over https: the URL says so, or a trusted gateway does. */
export function requestIsHttps(c: TrustContext): boolean {
  // A request's URL is absolute and already normalised (lower-case scheme): no parse needed.
  if (c.req.url.startsWith("https:")) return true;
  if (trustedProxies(c).networks.length === 0) return false;
  const proto = c.req.header("X-Forwarded-Proto")?.split(",").at(-1)?.trim().toLowerCase();
  if (proto) return proto === "https";
  const forwarded = /proto="?([a-z]+)"?/i.exec(c.req.header("Forwarded") ?? "")?.[1];
  return forwarded?.toLowerCase() === "https";
}

/** This site's origin as the browser sees it (https behind a TLS-terminating gateway). */
export function requestOrigin(c: TrustContext): string {
  const url = new URL(c.req.url);
  return `${requestIsHttps(c) ? "https:" : url.protocol}//${url.host}`;
}
