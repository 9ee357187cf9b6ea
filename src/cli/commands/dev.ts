import { existsSync, watch } from "node:fs";
import { defineCommand } from "../command.ts";
import { databaseFor, migrate } from "../db/engine.ts";
import { seed } from "../db/seed.ts";
import { UsageError } from "../errors.ts";
import { say } from "../progress.ts";
import { findProject } from "../project.ts";
import { startService } from "../tools.ts";

export const devCommand = defineCommand({
  name: "dev",
  summary:
    "Serve the app locally: migrate, seed an empty database, wrangler dev with reload (alias: s)",
  usage: "nimbus dev [options]",
  description: [
    "Applies pending migrations to the local database, seeds it from seed.sql when the tables",
    "the seed fills are empty (or always with --seed), then runs wrangler dev, which reloads on",
    "every change. New migration files are applied while it runs. Ctrl-C stops it all.",
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
    const database = databaseFor(project);
    await migrate(database);
    await seed(project, database, flags.seed === true);

    const args = ["dev", "--port", port, "--show-interactive-dev-session=false"];
    if (flags.ip) args.push("--ip", flags.ip);
    const service = startService("wrangler", args, project.root);
    // Migrations written while the server runs (nimbus generate) are applied as they appear.
    let pending: NodeJS.Timeout | undefined;
    const watcher = existsSync(project.migrationsDir)
      ? watch(project.migrationsDir, (_event, file) => {
          if (!file?.endsWith(".sql")) return;
          clearTimeout(pending);
          pending = setTimeout(() => {
            migrate(database).catch((error: Error) =>
              say(`Migrations not applied: ${error.message}`),
            );
          }, 500);
        })
      : undefined;
    const code = await service.exited;
    watcher?.close();
    clearTimeout(pending);
    process.exitCode = code;
  },
});
