import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * The workerd binary for this platform: the one the app's `workerd` package (wrangler's
 * dependency) installed, so nodes run the runtime the app was tested on.
 */
export function workerdBinary(root: string): string {
  const fromEnv = process.env.NIMBUS_WORKERD;
  if (fromEnv) return fromEnv;
  const require = createRequire(join(root, "package.json"));
  for (const from of [root, join(root, "node_modules", "wrangler")]) {
    try {
      const path = createRequire(join(from, "package.json"))("workerd") as { default: string };
      if (existsSync(path.default)) return path.default;
    } catch {
      // not here; try the next place
    }
  }
  try {
    const bin = require.resolve(
      `@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : "arm64"}/bin/workerd`,
    );
    if (existsSync(bin)) return bin;
  } catch {
    // fall through to the error
  }
  throw new Error(
    `No workerd binary found from ${root}: run \`npm install\` in the app (wrangler brings workerd), or set NIMBUS_WORKERD.`,
  );
}
