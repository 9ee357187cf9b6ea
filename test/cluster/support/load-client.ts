/**
 * A steady mixed load (list reads and creates) against gateways, run as its own process so it
 * can live in the client's network namespace:
 *   node load-client.ts '{"gateways":["http://10.213.0.100:8080"],"rate":100}'
 * With one gateway it is a client of a virtual address; with several it holds the list and
 * moves to the next gateway when one does not answer (what a browser does across DNS records).
 * stdin: "mark" records a moment (answers "marked"): one just before the fault, one just after,
 * so the fault lies between them in the client's clock; "stop" ends the run and prints
 * "result <json>" with every request. stdout: "progress <ok> <failed>" every 100 ms.
 */
import { request } from "node:http";
import { createInterface } from "node:readline";

interface Options {
  gateways: string[];
  /** Requests started per second (default 100). */
  rate?: number;
  /** Requests open at once at most (default 64). */
  maxOutstanding?: number;
  /** Share of requests that are reads (the rest create a link). */
  readShare?: number;
  /** A connection not made by then counts as a dead gateway (try the next one). */
  connectTimeoutMs?: number;
  /** How long a request keeps trying gateways that do not connect (default 8000). */
  connectBudgetMs?: number;
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
  /** The moments marked, in order (ms since the client started). */
  marks: number[];
  records: RequestRecord[];
}

class ConnectFailed extends Error {}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const gateways = options.gateways;
// With a list, a gateway that does not connect within 1 s is skipped; with one (virtual)
// address there is nowhere else to go, so wait as a browser would (TCP retries the SYN at 1 s).
const connectTimeoutMs = options.connectTimeoutMs ?? (gateways.length > 1 ? 1000 : 3000);
/** How long a request keeps looking for a gateway that takes it. */
const connectBudgetMs = options.connectBudgetMs ?? 8000;
const responseTimeoutMs = options.responseTimeoutMs ?? 8000;
const started = performance.now();
const now = () => performance.now() - started;
const records: RequestRecord[] = [];
const marks: number[] = [];
let current = 0;
let next = 0;
let running = true;

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
  // Gateways in turn, starting at the one that answered last, until one takes the request:
  // a connection never made means the request never left, so trying again is safe even for a
  // create. A read that got no answer may go to the next gateway too; a create may not.
  for (let i = 0; now() - start < connectBudgetMs; i++) {
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
      const retry = error instanceof ConnectFailed || (kind === "read" && i < gateways.length - 1);
      if (!retry) {
        return { kind, tag, start, end: now(), ok: false, error: lastError, gateway, attempts };
      }
    }
  }
  const gateway = gateways[current] as string;
  return { kind, tag, start, end: now(), ok: false, error: lastError, gateway, attempts };
}

const readShare = options.readShare ?? 0.5;
const prefix = options.tagPrefix ?? `gw${process.pid}`;
// Open loop, as users arrive: a request every 1/rate s whatever the others are doing (up to a
// cap), so requests stuck on a dead gateway do not hold back the ones sent after the fault.
const rate = options.rate ?? 100;
const maxOutstanding = options.maxOutstanding ?? 64;
const outstanding = new Set<Promise<void>>();
const arrivals = setInterval(() => {
  if (!running || outstanding.size >= maxOutstanding) return;
  const n = next++;
  const kind = (n * 0.618) % 1 < readShare ? "read" : "create";
  const request = one(kind, `${prefix}-${n}`).then((record) => {
    records.push(record);
    outstanding.delete(request);
  });
  outstanding.add(request);
}, 1000 / rate);

const progress = setInterval(() => {
  const ok = records.filter((r) => r.ok).length;
  process.stdout.write(`progress ${ok} ${records.length - ok}\n`);
}, 100);

createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line === "mark") {
    marks.push(now());
    process.stdout.write(`marked ${marks.length}\n`);
  } else if (line === "stop") {
    running = false;
    clearInterval(arrivals);
    clearInterval(progress);
    await Promise.all(outstanding);
    const result: LoadResult = { marks, records };
    process.stdout.write(`result ${JSON.stringify(result)}\n`);
    process.exit(0);
  }
});
process.stdout.write("ready\n");
