import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { supportFile } from "../../src/cli/generate/support.ts";
import { tsconfig, vitestConfig, wranglerToml } from "../../src/cli/templates/config.ts";
import { appFile, journalFile, schemaFile, workerFile } from "../../src/cli/templates/source.ts";
import { setupFile } from "../../src/cli/templates/tests.ts";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";

/** Writes `content` to `path` inside `root`, making its folders. */
export function writeIn(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** A test app's node_modules as `npm install` would make it: the tools from here, nimbus-web this checkout. */
export function linkNodeModules(app: string): void {
  const modules = join(app, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(join(NIMBUS_ROOT, "node_modules"))) {
    if (entry !== "nimbus-web")
      symlinkSync(join(NIMBUS_ROOT, "node_modules", entry), join(modules, entry));
  }
  symlinkSync(NIMBUS_ROOT, join(modules, "nimbus-web"));
}

/**
 * The files `nimbus new` starts an app with, from the CLI's own templates, and its node_modules
 * linked (no npm install). `tests: false` leaves out the app's vitest setup.
 */
export function writeTestApp(root: string, name: string, { tests = true } = {}): void {
  writeIn(root, "package.json", JSON.stringify({ name, private: true, type: "module" }));
  writeIn(root, "wrangler.toml", wranglerToml(name));
  writeIn(root, "tsconfig.json", tsconfig());
  writeIn(root, "src/app.ts", appFile());
  writeIn(root, "src/worker.ts", workerFile());
  writeIn(root, "src/models/schema.ts", schemaFile());
  writeIn(root, "migrations/meta/_journal.json", journalFile());
  if (tests) {
    writeIn(root, "vitest.config.ts", vitestConfig());
    writeIn(root, "test/setup.ts", setupFile());
    writeIn(root, "test/support/browser.ts", supportFile());
  }
  linkNodeModules(root);
}

/** A tool of the checkout (node_modules/.bin), run on this Node in `root`: its status and output. */
export function runTool(
  root: string,
  tool: string,
  args: string[],
  timeoutMs: number,
): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [join(NIMBUS_ROOT, "node_modules", ".bin", tool), ...args],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      timeout: timeoutMs,
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
