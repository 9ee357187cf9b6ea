import { clientAddress } from "nimbus-web";

/**
 * Who a rate limit counts: the client's IP as only a trusted party can state it (Cloudflare's
 * edge, or a configured gateway: see NIMBUS_TRUSTED_PROXIES). When nobody trusted said, all such
 * clients share one bucket: a client that could pick its own key could also pick a fresh one.
 */
export function clientKey(c: Parameters<typeof clientAddress>[0]): string {
  return `ip:${clientAddress(c) ?? "unknown"}`;
}
