// Plain JS so the Node 20 peers, workerd modules and the TypeScript runner can all import it.

const TOPICS = [
  [
    "Hono: web framework built on Web Standards",
    "https://hono.dev/",
    "Small, fast, runs on any JavaScript runtime.",
  ],
  [
    "Drizzle ORM",
    "https://orm.drizzle.team/",
    "A headless TypeScript ORM with a SQL-like query API.",
  ],
  [
    "libSQL",
    "https://github.com/tursodatabase/libsql",
    "An open source, open contribution fork of SQLite.",
  ],
  [
    "Cloudflare Durable Objects",
    "https://developers.cloudflare.com/durable-objects/",
    "Stateful serverless coordination.",
  ],
  [
    "workerd",
    "https://github.com/cloudflare/workerd",
    "The JavaScript/Wasm runtime behind Cloudflare Workers.",
  ],
  ["HAProxy", "https://www.haproxy.org/", "Reliable, high performance TCP/HTTP load balancer."],
  ["keepalived", "https://www.keepalived.org/", "Load balancing and high availability with VRRP."],
  ["SQLite", "https://sqlite.org/", "Small. Fast. Reliable. Choose any three."],
];

/** Every target starts from these rows: same ids, text and times, so pages match byte for byte. */
export const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);

/** `count` links, ids 1..count, one minute apart, newest last. */
export function seedLinks(count) {
  const rows = [];
  for (let id = 1; id <= count; id++) {
    const [title, url, description] = TOPICS[(id - 1) % TOPICS.length];
    const at = SEED_EPOCH_MS + id * 60_000;
    rows.push({
      id,
      title: `${title} (part ${id})`,
      url: `${url}#${id}`,
      description,
      createdAt: at,
      updatedAt: at,
    });
  }
  return rows;
}
