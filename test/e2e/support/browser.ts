// Debian's Chromium driven by playwright-core: no browser is downloaded (scripts/ci/install-debian-packages.sh).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Where the e2e tests save their screenshots (gitignored). */
export const ARTIFACTS = resolve(import.meta.dirname, "../../artifacts/e2e");

/** Starts headless Chromium with the flags this machine's closed network needs. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing. Install it with "bash scripts/ci/install-debian-packages.sh /usr/bin/chromium:chromium" and run again.`,
    );
  }
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** test/artifacts/e2e/<name>.png */
export function screenshotPath(name: string): string {
  return resolve(ARTIFACTS, `${name}.png`);
}
