export function setupFile(): string {
  return `import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/worker.ts");
    }
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    }
  }
}

// Runs before each test file; applying is idempotent, so every file starts from the app's schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
`;
}

export function appTestFile(): string {
  return `import { expect, it } from "vitest";
import { Browser } from "./support/browser.ts";

it("answers on /", async () => {
  const { res } = await new Browser().page("/");
  expect(res.status).toBe(200);
});
`;
}
