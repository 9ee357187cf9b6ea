import { existsSync, watch } from "node:fs";
import { defineCommand } from "../command.ts";
import { migrate, withDatabase } from "../db/engine.ts";
import { seed } from "../db/seed.ts";
import { ensureDevVars } from "../dev-vars.ts";
import { UsageError } from "../errors.ts";
import { say } from "../progress.ts";
import { findProject, type Project } from "../project.ts";
import { startService } from "../tools.ts";

/** Resolves when a migration file appears or changes (a generator ran while the server was up). */
function nextMigration(project: Project): { changed: Promise<void>; close(): void } {
  if (!existsSync(project.migrationsDir)) return { changed: new Promise(() => {}), close() {} };
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  const changed = new Promise<void>((resolve) => {
    watcher = watch(project.migrationsDir, (_event, file) => {
      if (!file?.endsWith(".sql")) return;
      clearTimeout(timer);
      // drizzle-kit writes the SQL, then the snapshot and journal: wait for it to finish.
      timer = setTimeout(resolve, 1000);
    });
  });
  return {
    changed,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

export const devCommand = defineCommand({
  name: "dev",
  summary:
    "Serve the app locally: migrate, seed an empty database, wrangler dev with reload (alias: s)",
  usage: "nimbus dev [options]",
  description: [
    "Applies pending migrations to the local database, seeds it from seed.sql when the tables",
    "the seed fills are empty (or always with --seed), then runs wrangler dev, which reloads on",
    "every code change. A new migration restarts the server with it applied. Ctrl-C stops it all.",
  ].join("\n"),
  options: {
    port: {
      type: "string",
      short: "p",
      placeholder: "port",
      description: "Port to serve on (default 8787)",
    },
    ip: {
      type: "string",
      placeholder: "address",
      description: "Address to listen on (default localhost)",
    },
    seed: { type: "boolean", description: "Run seed.sql even if the tables have rows" },
  },
  examples: ["npm start", "npx nimbus dev --port 3000 --seed"],
  async run(positionals, flags) {
    if (positionals.length > 0)
      throw new UsageError(`dev takes no arguments; got ${positionals.join(" ")}.`);
    const port = flags.port ?? "8787";
    if (!/^\d+$/.test(port) || Number(port) > 65535)
      throw new UsageError(`--port ${port} is not a port number.`);
    const project = findProject();
    if (ensureDevVars(project.root)) {
      say("Wrote .dev.vars: NIMBUS_ENV=development and a session secret of this checkout's own.");
    }
    // Readable stack traces while developing; deploys are minified (wrangler.toml: minify = true).
    const args = ["dev", "--port", port, "--show-interactive-dev-session=false", "--minify=false"];
    if (flags.ip) args.push("--ip", flags.ip);
    let seedAlways = flags.seed === true;
    for (;;) {
      // The database is closed before wrangler dev starts: two workerd must not share its files.
      await withDatabase(project, {}, async (database) => {
        await migrate(database);
        await seed(project, database, seedAlways);
      });
      seedAlways = false;
      const service = startService("wrangler", args, project.root);
      const migration = nextMigration(project);
      const outcome = await Promise.race([
        service.exited,
        migration.changed.then(() => "migration" as const),
      ]);
      migration.close();
      if (outcome !== "migration") {
        process.exitCode = outcome;
        return;
      }
      say("A migration changed: restarting with it applied…");
      service.stop();
      await service.exited;
    }
  },
});
