// The demo's Worker settings, read by wrangler itself so the bench runs what `wrangler deploy` would.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { CACHE_BYPASS } from "../scenarios.ts";
import type { AppConfig } from "../targets/target.ts";

export async function readAppConfig(root: string): Promise<AppConfig> {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
  const d1 = config.d1_databases[0];
  if (!d1)
    throw new Error(
      "wrangler.toml has no [[d1_databases]]: the bench needs the demo's D1 binding.",
    );
  return {
    compatibilityDate: config.compatibility_date ?? "2026-11-01",
    d1Binding: d1.binding,
    migrationsDir: join(root, d1.migrations_dir ?? "migrations"),
    productionVars: {
      NIMBUS_ENV: "production",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      NIMBUS_CACHE_BYPASS: CACHE_BYPASS,
    },
  };
}
