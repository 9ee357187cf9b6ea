import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Shown in --help. */
  description: string;
  /** The value's placeholder in --help: `--port <port>`. */
  placeholder?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed flags: booleans for boolean options, strings for the rest, undefined when absent. */
export type Flags<O extends OptionSpecs> = {
  [K in keyof O]: (O[K]["type"] extends "boolean" ? boolean : string) | undefined;
};

export interface Parsed<O extends OptionSpecs> {
  flags: Flags<O>;
  positionals: string[];
  help: boolean;
}

/** Parses argv strictly: an unknown option is an error that lists the ones this command has. */
export function parseCommandArgs<O extends OptionSpecs>(
  command: string,
  specs: O,
  argv: readonly string[],
): Parsed<O> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    const { help, ...flags } = values;
    return { flags: flags as Flags<O>, positionals, help: help === true };
  } catch (error) {
    const known = Object.keys(specs).map((name) => `--${name}`);
    throw new UsageError(
      `${command}: ${(error as Error).message.replace(/\. To specify a positional.*$/s, ".")}`,
      `Options of \`nimbus ${command}\`: ${[...known, "--help"].join(", ")}.`,
    );
  }
}

/** The --help text: usage, description, options and examples, aligned. */
export function formatHelp(
  usage: string,
  description: string,
  specs: OptionSpecs,
  examples: readonly string[] = [],
): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "";
    const value = spec.type === "string" ? ` <${spec.placeholder ?? "value"}>` : "";
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  rows.push(["-h, --help", "Show this help"]);
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = [`Usage: ${usage}`, "", description, "", "Options:"];
  for (const [left, right] of rows) lines.push(`  ${left.padEnd(width)}  ${right}`);
  if (examples.length > 0)
    lines.push("", "Examples:", ...examples.map((example) => `  ${example}`));
  return lines.join("\n");
}
