import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { start } from "node:repl";
import { pathToFileURL } from "node:url";
import { importBundled, nimbusDir } from "../bundle.ts";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { say, step } from "../progress.ts";
import { findProject, type Project } from "../project.ts";
import { toolEnv } from "../tools.ts";

interface PlatformProxy {
  env: Record<string, unknown>;
  dispose(): Promise<void>;
}

type Wrangler = { getPlatformProxy(options: { configPath: string }): Promise<PlatformProxy> };

/** Every model file's exports (tables and models), the query helpers, and drizzle's D1 driver. */
function consoleEntry(project: Project): string {
  const models = join(project.appDir, "models");
  const files = readdirSync(models).filter((file) => /\.tsx?$/.test(file) && file !== "schema.ts");
  return [
    'export { and, asc, count, desc, eq, inArray, like, or, sql } from "nimbus-web";',
    'export { drizzle } from "drizzle-orm/d1";',
    ...files.map((file) => `export * from ${JSON.stringify(join(models, file))};`),
  ].join("\n");
}

export const consoleCommand = defineCommand({
  name: "console",
  summary: "A REPL with db and the app's models on the local database (alias: c)",
  usage: "nimbus console",
  description: [
    "Starts a Node REPL where `db` is drizzle over the local D1 database (through wrangler's",
    "getPlatformProxy, the same data `nimbus dev` serves), every export of the model files",
    "(posts, Post, ...) and the query helpers (eq, and, sql, ...) are bound. Top-level await works:",
    "  await db.select().from(posts).where(eq(posts.published, true))",
  ].join("\n"),
  options: {},
  async run(positionals) {
    if (positionals.length > 0)
      throw new UsageError(`console takes no arguments; got ${positionals.join(" ")}.`);
    const project = findProject();
    Object.assign(process.env, toolEnv());
    const bound = await step("Loading the models", () =>
      importBundled<Record<string, unknown> & { drizzle(db: unknown, config: object): unknown }>(
        project,
        consoleEntry(project),
        nimbusDir(project),
      ),
    );
    const wranglerPath = createRequire(join(project.root, "package.json")).resolve("wrangler");
    const wrangler = (await import(pathToFileURL(wranglerPath).href)) as Wrangler;
    const proxy = await step("Opening the local database", () =>
      wrangler.getPlatformProxy({ configPath: project.configPath }),
    );
    const { drizzle, ...exports } = bound;
    const db = drizzle(proxy.env[project.binding], { casing: "snake_case" });
    say(`Bound: db, env, ${Object.keys(exports).join(", ")}. Ctrl-D leaves.`);
    const repl = start({ prompt: "nimbus> " });
    Object.assign(repl.context, exports, { db, env: proxy.env });
    repl.setupHistory(join(project.root, ".wrangler", "nimbus-console-history"), () => {});
    await new Promise<void>((resolve) => repl.on("exit", resolve));
    await proxy.dispose();
  },
});
