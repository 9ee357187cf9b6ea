import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { defineCommand } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { supportFile } from "../generate/support.ts";
import { report, say, step } from "../progress.ts";
import { gitignore, tsconfig, vitestConfig, wranglerToml } from "../templates/config.ts";
import { packageJson } from "../templates/package-json.ts";
import { readme } from "../templates/readme.ts";
import { appFile, journalFile, schemaFile, seedFile, workerFile } from "../templates/source.ts";
import { appTestFile, setupFile } from "../templates/tests.ts";
import { runProcess } from "../tools.ts";

function appName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name)) {
    throw new UsageError(
      `"${basename(dir)}" can't name an app.`,
      "Start the folder's name with a letter, like blog or my-shop.",
    );
  }
  return name;
}

function files(name: string, nimbusVersion: string | undefined): Record<string, string> {
  return {
    "package.json": packageJson(name, nimbusVersion),
    "tsconfig.json": tsconfig(),
    "wrangler.toml": wranglerToml(name),
    "vitest.config.ts": vitestConfig(),
    ".gitignore": gitignore(),
    "README.md": readme(name),
    "src/app.ts": appFile(),
    "src/worker.ts": workerFile(),
    "src/models/schema.ts": schemaFile(),
    "src/seed.sql": seedFile(),
    "migrations/meta/_journal.json": journalFile(),
    "test/setup.ts": setupFile(),
    "test/app.test.ts": appTestFile(),
    "test/support/browser.ts": supportFile(),
  };
}

export const newCommand = defineCommand({
  name: "new",
  summary: "Create an app in a new folder, with its tests, and install it",
  usage: "nimbus new <dir> [options]",
  description:
    "Writes a Nimbus app into <dir>: package.json, wrangler.toml, src/, migrations/, test/, README.md,\nthen runs npm install. The app depends on this version of nimbus-web (^x.y.z); --nimbus-version\nnames another range, or a tarball made by `npm pack`.",
  options: {
    "nimbus-version": {
      type: "string",
      placeholder: "range|file.tgz",
      description:
        "Depend on this nimbus-web range, or on a packed tarball (default: this version)",
    },
    "skip-install": { type: "boolean", description: "Write the files but don't run npm install" },
    force: {
      type: "boolean",
      short: "f",
      description: "Write into a folder that has files already, overwriting any of ours",
    },
  },
  examples: [
    "npx nimbus-web new blog",
    "npm create nimbus@latest blog",
    "npx nimbus-web new blog --skip-install",
  ],
  async run(positionals, flags) {
    const [dir, ...extra] = positionals;
    if (!dir || extra.length > 0)
      throw new UsageError("new takes one folder name.", "Example: npx nimbus-web new blog");
    const root = resolve(dir);
    const name = appName(dir);
    if (existsSync(root) && readdirSync(root).length > 0 && !flags.force) {
      throw new CliError(`${dir} exists and is not empty; nothing written.`, {
        hint: "Pick a new folder, or pass --force to write the app's files into it.",
      });
    }
    for (const [path, content] of Object.entries(files(name, flags["nimbus-version"]))) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      report("create", relative(process.cwd(), full));
    }
    if (!flags["skip-install"]) {
      await step("npm install", () =>
        runProcess(
          "npm",
          ["install", "--no-audit", "--no-fund", "--prefer-offline"],
          { cwd: root, timeoutMs: 600_000 },
          "npm install",
        ),
      );
    }
    const folder = relative(process.cwd(), root) || ".";
    const cd = /[\s'"$]/.test(folder) ? JSON.stringify(folder) : folder;
    say(
      `\nCreated ${name}. Next:\n  cd ${cd}${flags["skip-install"] ? "\n  npm install" : ""}\n  npx nimbus generate scaffold Post title:string body:text published:boolean\n  npm start`,
    );
  },
});
