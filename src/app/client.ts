import type { Session } from "nimbus-web";

/** What `clientKey` reads of a request context. */
export interface ClientContext {
  req: { header(name: string): string | undefined };
  var: { session: Session };
}

/**
 * Who a rate limit counts: the client's IP as Cloudflare (`CF-Connecting-IP`) or the
 * self-hosted gateway (the last `X-Forwarded-For` entry, the one HAProxy appended) reports it;
 * without either, this browser's session. A cookieless client without an IP header gets a
 * new session each time, so only the IP headers make a limit binding.
 */
export function clientKey(c: ClientContext): string {
  const ip =
    c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  if (ip) return `ip:${ip}`;
  const session = c.var.session;
  let id = session.get<string>("client");
  if (!id) {
    id = crypto.randomUUID();
    session.set("client", id);
  }
  return `session:${id}`;
}
