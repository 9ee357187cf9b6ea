import { request } from "node:http";

/** The status of one GET, or undefined when nothing answers (yet). No keep-alive, no pooling. */
export function statusOf(url: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `url` answers 200; resolves with the milliseconds since `since`. */
export async function waitFor200(
  url: string,
  options: { timeoutMs: number; intervalMs: number; since?: number; gone?: () => boolean },
): Promise<number> {
  const since = options.since ?? performance.now();
  for (;;) {
    if ((await statusOf(url)) === 200) return performance.now() - since;
    if (options.gone?.()) throw new Error(`${url}: the server exited before answering`);
    if (performance.now() - since > options.timeoutMs) {
      throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms`);
    }
    await sleep(options.intervalMs);
  }
}

export { freePort } from "../../../src/node/free-port.ts";
