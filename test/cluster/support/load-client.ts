/**
 * A steady mixed load (list reads and creates) against gateways, run as its own process so it
 * can live in the client's network namespace:
 *   node load-client.ts '{"gateways":["http://10.213.0.100:8080"],"concurrency":6}'
 * With one gateway it is a client of a virtual address; with several it holds the list and
 * moves to the next gateway when one does not answer (what a browser does across DNS records).
 * stdin: "mark" records the moment of a fault (answers "marked"), "stop" ends the run and prints
 * "result <json>" with every request. stdout: "progress <ok> <failed>" every 100 ms.
 */
import { request } from "node:http";
import { createInterface } from "node:readline";

interface Options {
  gateways: string[];
  concurrency?: number;
  /** Share of requests that are reads (the rest create a link). */
  readShare?: number;
  /** A connection not made by then counts as a dead gateway (try the next one). */
  connectTimeoutMs?: number;
  /** A request with no answer by then failed. */
  responseTimeoutMs?: number;
  tagPrefix?: string;
}

/** One request as the client saw it (times in ms since the client started). */
export interface RequestRecord {
  kind: "read" | "create";
  tag: string;
  start: number;
  end: number;
  ok: boolean;
  status?: number;
  error?: string;
  /** Which gateway answered (or the last one tried). */
  gateway: string;
  attempts: number;
}

export interface LoadResult {
  mark: number | null;
  records: RequestRecord[];
}

class ConnectFailed extends Error {}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const gateways = options.gateways;
const connectTimeoutMs = options.connectTimeoutMs ?? 500;
const responseTimeoutMs = options.responseTimeoutMs ?? 2000;
const started = performance.now();
const now = () => performance.now() - started;
const records: RequestRecord[] = [];
let mark: number | null = null;
let running = true;
let current = 0;
let next = 0;

/** One HTTP exchange on a fresh connection; ConnectFailed when no connection was made. */
function exchange(base: string, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    let connected = false;
    const req = request(url, {
      method,
      agent: false,
      headers: {
        Accept: "application/json",
        Connection: "close",
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
    });
    const connectTimer = setTimeout(() => {
      if (!connected) req.destroy(new ConnectFailed(`no connection in ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    const responseTimer = setTimeout(
      () => req.destroy(new Error(`no answer in ${responseTimeoutMs} ms`)),
      responseTimeoutMs,
    );
    req.on("socket", (socket) => {
      socket.once("connect", () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    req.on("error", (error) => {
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      const code = (error as NodeJS.ErrnoException).code;
      // Refused or unreachable: the request never left; safe to send elsewhere, even a create.
      const neverSent =
        !connected &&
        (error instanceof ConnectFailed ||
          code === "ECONNREFUSED" ||
          code === "EHOSTUNREACH" ||
          code === "ENETUNREACH");
      reject(neverSent ? new ConnectFailed(error.message) : error);
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => {
        clearTimeout(connectTimer);
        clearTimeout(responseTimer);
        resolve(res.statusCode ?? 0);
      });
      res.on("error", reject);
    });
    req.end(body);
  });
}

async function one(kind: "read" | "create", tag: string): Promise<RequestRecord> {
  const start = now();
  const body =
    kind === "create"
      ? JSON.stringify({
          title: `Link ${tag}`,
          url: `https://example.com/${tag}`,
          description: `written by ${tag}`,
        })
      : undefined;
  const method = kind === "create" ? "POST" : "GET";
  const path = "/links";
  let attempts = 0;
  let lastError = "";
  // Each gateway of the list once, starting at the one that answered last.
  for (let i = 0; i < gateways.length; i++) {
    const index = (current + i) % gateways.length;
    const gateway = gateways[index] as string;
    attempts++;
    try {
      const status = await exchange(gateway, method, path, body);
      current = index;
      const ok = status >= 200 && status < 300;
      return { kind, tag, start, end: now(), ok, status, gateway, attempts };
    } catch (error) {
      lastError = (error as Error).message;
      // A create that may have reached a gateway is not sent twice; a read may be.
      if (!(error instanceof ConnectFailed) && kind === "create") {
        return { kind, tag, start, end: now(), ok: false, error: lastError, gateway, attempts };
      }
    }
  }
  const gateway = gateways[current] as string;
  return { kind, tag, start, end: now(), ok: false, error: lastError, gateway, attempts };
}

const readShare = options.readShare ?? 0.5;
const prefix = options.tagPrefix ?? `gw${process.pid}`;
const loops = Array.from({ length: options.concurrency ?? 6 }, async () => {
  while (running) {
    const n = next++;
    const kind = (n * 0.618) % 1 < readShare ? "read" : "create";
    const record = await one(kind, `${prefix}-${n}`);
    records.push(record);
    if (!record.ok) await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

const progress = setInterval(() => {
  const ok = records.filter((r) => r.ok).length;
  process.stdout.write(`progress ${ok} ${records.length - ok}\n`);
}, 100);

createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line === "mark") {
    mark = now();
    process.stdout.write("marked\n");
  } else if (line === "stop") {
    running = false;
    clearInterval(progress);
    await Promise.all(loops);
    const result: LoadResult = { mark, records };
    process.stdout.write(`result ${JSON.stringify(result)}\n`);
    process.exit(0);
  }
});
process.stdout.write("ready\n");
