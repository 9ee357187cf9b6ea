import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../../src/worker.ts");
    }
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    }
  }
}

// Runs before each test file; applying is idempotent, so every file starts from the demo's schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
