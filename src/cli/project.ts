import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { CliError } from "./errors.ts";

/** Where an app's pieces live, read from its wrangler.toml: the app is the folder of `main`. */
export interface Project {
  root: string;
  name: string;
  configPath: string;
  /** The folder of the Worker entry (`src`, in a new app and in the Nimbus checkout's demo alike). */
  appDir: string;
  migrationsDir: string;
  testDir: string;
  /** The D1 binding queries use (`DB`). */
  binding: string;
}

interface WranglerConfig {
  top: Record<string, string>;
  vars: Record<string, string>;
  d1: Record<string, string> | undefined;
}

/**
 * Reads the few wrangler.toml keys the CLI needs (`name`, `main`, [vars], the first [[d1_databases]]).
 * Our own reader: a TOML parser would be one more dependency for a handful of string keys.
 */
export function readWranglerToml(text: string): WranglerConfig {
  const top: Record<string, string> = {};
  const vars: Record<string, string> = {};
  let d1: Record<string, string> | undefined;
  let section: Record<string, string> | undefined = top;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      if (line === "[vars]") section = vars;
      else if (line === "[[d1_databases]]" && !d1) {
        d1 = {};
        section = d1;
      } else section = undefined;
      continue;
    }
    const match = /^([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    if (match && section) section[match[1] as string] = match[2] ?? match[3] ?? "";
  }
  return { top, vars, d1 };
}

/** The app around `from`: the nearest folder up with a wrangler.toml and a package.json. */
export function findProject(from = process.cwd()): Project {
  let dir = resolve(from);
  while (!(existsSync(join(dir, "wrangler.toml")) && existsSync(join(dir, "package.json")))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CliError(
        `No Nimbus app here: no wrangler.toml and package.json in ${from} or above.`,
        {
          hint: "Run this inside an app, or create one with `npx nimbus new <dir>`.",
        },
      );
    }
    dir = parent;
  }
  return projectAt(dir);
}

export function projectAt(root: string): Project {
  const configPath = join(root, "wrangler.toml");
  const { top, d1 } = readWranglerToml(readFileSync(configPath, "utf8"));
  if (!top.main) {
    throw new CliError(`${configPath} has no \`main\`.`, {
      hint: 'Add main = "src/worker.ts" (the Worker entry).',
    });
  }
  if (!d1?.binding) {
    throw new CliError(`${configPath} has no [[d1_databases]] with a binding.`, {
      hint: 'Add [[d1_databases]] with binding = "DB", database_name and migrations_dir = "migrations".',
    });
  }
  const workerTests = join(root, "test", "worker");
  return {
    root,
    name: top.name ?? "app",
    configPath,
    appDir: dirname(join(root, top.main)),
    migrationsDir: join(root, d1.migrations_dir ?? "migrations"),
    testDir: existsSync(workerTests) ? workerTests : join(root, "test"),
    binding: d1.binding,
  };
}

/** A path as the user sees it: relative to the app's root, with forward slashes. */
export function shown(project: Project, path: string): string {
  return relative(project.root, path).split("\\").join("/");
}
