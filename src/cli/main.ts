#!/usr/bin/env node
import { formatHelp, parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { buildCommand } from "./commands/build.ts";
import { clusterCommand } from "./commands/cluster.ts";
import { consoleCommand } from "./commands/console.ts";
import { dbCommand } from "./commands/db.ts";
import { deployCommand } from "./commands/deploy.ts";
import { destroyCommand } from "./commands/destroy.ts";
import { devCommand } from "./commands/dev.ts";
import { generateCommand } from "./commands/generate.ts";
import { newCommand } from "./commands/new.ts";
import { routesCommand } from "./commands/routes.ts";
import { CliError } from "./errors.ts";

// Each command keeps its own option types; the table only needs them as commands.
const COMMANDS = [
  newCommand,
  generateCommand,
  destroyCommand,
  devCommand,
  dbCommand,
  routesCommand,
  consoleCommand,
  deployCommand,
  buildCommand,
  clusterCommand,
] as unknown as Command[];

const ALIASES: Record<string, string> = {
  g: "generate",
  d: "destroy",
  c: "console",
  s: "dev",
  server: "dev",
};

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    "Usage: nimbus <command> [options]",
    "",
    "Nimbus: MVC web apps on the Fetch API, on a laptop, on Cloudflare or on your own workerd nodes.",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `nimbus <command> --help` for a command's options. Start an app with",
    "`npx nimbus-web new my-app` (or `npm create nimbus@latest my-app`); inside it, `npx nimbus`.",
  ].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (!first || first === "--help" || first === "-h" || first === "help") {
    const topic =
      first === "help"
        ? COMMANDS.find((command) => command.name === (ALIASES[rest[0] ?? ""] ?? rest[0]))
        : undefined;
    console.log(
      topic
        ? formatHelp(topic.usage, topic.description, topic.options, topic.examples)
        : overview(),
    );
    return;
  }
  if (first === "--version" || first === "-v") {
    const { version } = (await import("../../package.json", { with: { type: "json" } })).default;
    console.log(version);
    return;
  }
  const name = ALIASES[first] ?? first;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    throw new CliError(`Unknown command "${first}".`, {
      exitCode: 2,
      hint: `Commands: ${COMMANDS.map((candidate) => candidate.name).join(", ")}. See \`nimbus --help\`.`,
    });
  }
  const { flags, positionals, help } = parseCommandArgs(command.name, command.options, rest);
  if (help) {
    console.log(formatHelp(command.usage, command.description, command.options, command.examples));
    return;
  }
  await command.run(positionals, flags);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CliError) {
    console.error(`nimbus: ${error.message}`);
    if (error.hint) console.error(error.hint);
    process.exitCode = error.exitCode;
  } else {
    // Not one we foresaw: say what it was; the stack is for a bug report.
    console.error(`nimbus: ${error instanceof Error ? error.message : String(error)}`);
    console.error(
      process.env.NIMBUS_DEBUG
        ? (error as Error).stack
        : "Run with NIMBUS_DEBUG=1 to see where it happened.",
    );
    process.exitCode = 1;
  }
}
