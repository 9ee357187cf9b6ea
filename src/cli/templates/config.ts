/** The workerd behaviour new apps get; the demo's wrangler.toml uses the same date. */
export const COMPATIBILITY_DATE = "2026-11-01";

export function wranglerToml(name: string): string {
  return `# ${name}: a Nimbus app as a Worker. \`npm start\` serves it on http://localhost:8787.
name = "${name}"
main = "src/worker.ts"
compatibility_date = "${COMPATIBILITY_DATE}"
compatibility_flags = ["nodejs_compat"]
# Deployed bundles are minified; \`nimbus dev\` serves them unminified for readable stack traces.
minify = true
# Minified functions keep no names: naming each closure at run time costs ≈ 10 µs a request.
keep_names = false

# No secrets and no development switches here: \`nimbus dev\` writes them to .dev.vars (never
# committed, never deployed). Before deploying: \`npx wrangler secret put SESSION_SECRET\`.

# Locally a SQLite file under .wrangler/. For Cloudflare, \`npx wrangler d1 create ${name}\`
# and put the database_id it prints here.
[[d1_databases]]
binding = "DB"
database_name = "${name}"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "migrations"
`;
}

export function tsconfig(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2023"],
      types: ["@cloudflare/workers-types", "@cloudflare/vitest-plugin/types", "node"],
      jsx: "react-jsx",
      jsxImportSource: "hono/jsx",
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["src", "test", "vitest.config.ts"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function vitestConfig(): string {
  return `import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The app's migrations, applied to the test database by test/setup.ts.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Tests run as development (stack traces on error pages) with a throwaway session secret.
        bindings: { TEST_MIGRATIONS: migrations, NIMBUS_ENV: "development", SESSION_SECRET: "test-secret" },
      },
    }),
  ],
  test: { include: ["test/**/*.test.ts"], setupFiles: ["./test/setup.ts"] },
});
`;
}

export function gitignore(): string {
  // .nimbus/: the local libSQL database, `nimbus cluster` state; build/: `nimbus build` output.
  return [
    "node_modules/",
    ".wrangler/",
    "dist/",
    "build/",
    ".nimbus/",
    ".dev.vars",
    "*.log",
    "",
  ].join("\n");
}
