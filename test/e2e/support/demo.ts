import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "./browser.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

const SEED = resolve(import.meta.dirname, "../../../src/seed.sql");

/**
 * The seeded demo under `wrangler dev` and a Chromium, started side by side. If either fails,
 * the one that did start is stopped before the error is thrown, so nothing is left running.
 */
export async function startDemoAndChromium(): Promise<{ server: DevServer; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([
    startDevServer({ seedFile: SEED }),
    launchChromium(),
  ]);
  if (started.status === "fulfilled" && launched.status === "fulfilled") {
    return { server: started.value, browser: launched.value };
  }
  await Promise.all([
    started.status === "fulfilled" ? started.value.stop() : undefined,
    launched.status === "fulfilled" ? launched.value.close() : undefined,
  ]);
  throw started.status === "rejected" ? started.reason : (launched as PromiseRejectedResult).reason;
}
