import { exports } from "cloudflare:workers";
import { csrfIn, TestBrowser } from "nimbus-web/testing";

const ORIGIN = "http://nimbus.test";

/**
 * A browser against the demo from one IP address: keeps every cookie it is given, sends
 * `CF-Connecting-IP` as Cloudflare would, and posts forms from this site.
 */
export class Visitor extends TestBrowser {
  constructor(readonly ip: string) {
    super(exports.default, { origin: ORIGIN, headers: { "CF-Connecting-IP": ip } });
  }
}

export { csrfIn };

let addresses = 0;
/** An IP address no other test uses, so rate limits never carry over between tests. */
export function freshIp(): string {
  addresses += 1;
  const salt = Math.floor(Math.random() * 0xffff).toString(16);
  return `2001:db8::${salt}:${addresses.toString(16)}`;
}
