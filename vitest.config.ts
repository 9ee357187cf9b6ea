import { execFileSync } from "node:child_process";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The demo and the tests import nimbus-web as an app does, and its exports are the built files:
// build them first (incremental, a second or two when nothing changed).
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});

// The demo's migrations, applied to the test D1 database by test/worker/setup.ts.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                // What `nimbus dev` puts in .dev.vars; the title job may fetch the local test server.
                NIMBUS_ENV: "development",
                SESSION_SECRET: "test-session-secret-not-for-production",
                EDITOR_PASSWORD: "nimbus-editor",
                TITLE_FETCH_ALLOW_HOSTS: "127.0.0.1",
                // Inputs per fuzz property (test/worker/fuzz-*.test.ts): scripts/fuzz/run.ts raises it.
                NIMBUS_FUZZ_RUNS: process.env.NIMBUS_FUZZ_RUNS ?? "120",
                NIMBUS_FUZZ_SEED: process.env.NIMBUS_FUZZ_SEED ?? "1313",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.{ts,tsx}"],
          setupFiles: ["./test/worker/setup.ts"],
          // A local web server for the demo's fetch-title job (its URL: inject("titleServer")).
          // An app the CLI's generators make, which test/worker/fuzz-scaffold.test.ts fuzzes.
          globalSetup: [
            "./test/worker/support/title-server.ts",
            "./test/worker/fuzz/scaffold-fixture.ts",
          ],
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/coord/wrangler.toml" } })],
        // A thousand durable writes each fsync: seconds on a quiet machine, more on a busy one.
        test: { name: "coord", include: ["test/coord/**/*.test.ts"], testTimeout: 30_000 },
      },
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        test: { name: "cli", include: ["test/cli/**/*.test.ts"], environment: "node" },
      },
      {
        test: {
          name: "data",
          // *.spec.ts: the "unit" project already claims test/unit/**/*.test.ts.
          include: ["test/unit/data/**/*.spec.ts"],
          environment: "node",
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "chaos",
          include: ["test/chaos/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "cluster",
          // Real processes (workerd, HAProxy, keepalived) in network namespaces the tests make.
          include: ["test/cluster/**/*.test.ts"],
          environment: "node",
          testTimeout: 90_000,
          hookTimeout: 60_000,
          // Real processes and ports: one file at a time keeps the 2-core machine honest.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
