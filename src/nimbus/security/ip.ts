// Our own: IP parsing and CIDR matching are a few lines, and workerd has no `node:net` isIP/BlockList
// we could lean on everywhere Nimbus runs.

/** An IP address as bytes: 4 for IPv4, 16 for IPv6 (IPv4-mapped IPv6 is unwrapped to IPv4). */
export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

function parseV4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? "";
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseV6(text: string): Uint8Array | null {
  let head = text;
  let tail4: Uint8Array | null = null;
  const lastColon = head.lastIndexOf(":");
  if (head.includes(".")) {
    tail4 = parseV4(head.slice(lastColon + 1));
    if (!tail4) return null;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const words = (part: string | undefined) => (part ? part.split(":") : []);
  const left = words(halves[0]);
  const right = words(halves[1]);
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const word = all[i] ?? "";
    if (!/^[0-9a-f]{1,4}$/i.test(word)) return null;
    const value = Number.parseInt(word, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  if (tail4) bytes.set(tail4, 12);
  return bytes;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Parses `1.2.3.4`, `::1`, `[::1]`, `fe80::1%eth0`; null when the text is not an IP address. */
export function parseIp(text: string): IpAddress | null {
  let value = text.trim();
  if (value.startsWith("[") && value.endsWith("]")) value = value.slice(1, -1);
  const zone = value.indexOf("%");
  if (zone !== -1) value = value.slice(0, zone);
  const v4 = parseV4(value);
  if (v4) return { version: 4, bytes: v4 };
  if (!value.includes(":")) return null;
  const v6 = parseV6(value);
  if (!v6) return null;
  if (MAPPED_PREFIX.every((b, i) => v6[i] === b)) return { version: 4, bytes: v6.slice(12) };
  return { version: 6, bytes: v6 };
}

/** A network: an address and how many leading bits of it count. */
export interface Cidr {
  address: IpAddress;
  bits: number;
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address (all bits); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [ip, bits, extra] = text.trim().split("/");
  if (extra !== undefined || ip === undefined) return null;
  const address = parseIp(ip);
  if (!address) return null;
  const max = address.bytes.length * 8;
  if (bits === undefined) return { address, bits: max };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  return { address, bits: Number(bits) };
}

/** Whether `ip` lies inside `network`. */
export function inCidr(ip: IpAddress, network: Cidr): boolean {
  if (ip.version !== network.address.version) return false;
  let bits = network.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip.bytes[i] ?? 0) & mask) !== ((network.address.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The address in its usual text form (IPv6 without zero compression: stable, for keys and logs). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return [...ip.bytes].join(".");
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2)
    words.push(((ip.bytes[i] ?? 0) * 256 + (ip.bytes[i + 1] ?? 0)).toString(16));
  return words.join(":");
}
