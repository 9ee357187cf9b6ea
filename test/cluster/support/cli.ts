import { execFile } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../../..");
const MAIN = join(ROOT, "dist/cli/main.js");

/** Runs `nimbus …` (the built CLI) in the repo (the demo app); resolves with its output. */
export function nimbus(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(`nimbus ${args.join(" ")} failed: ${error.message}\n${stdout}${stderr}`),
            )
          : resolve(stdout + stderr),
    );
  });
}

/** Acknowledged tags missing from the database at `url` (libSQL). */
export async function missingFrom(url: string, tags: readonly string[]): Promise<string[]> {
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url });
  try {
    const rows = await client.execute("SELECT url FROM links");
    const stored = new Set(
      rows.rows.map((row) => String(row.url).replace("https://example.com/", "")),
    );
    return tags.filter((tag) => !stored.has(tag));
  } finally {
    client.close();
  }
}
