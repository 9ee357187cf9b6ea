import type { Flags, OptionSpecs } from "./args.ts";

/** One `nimbus` command: what --help shows and what running it does. */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for `nimbus --help`. */
  summary: string;
  usage: string;
  description: string;
  options: O;
  examples?: readonly string[];
  run(positionals: string[], flags: Flags<O>): Promise<void>;
}

/** Keeps the option types of a command, so `run` sees its flags typed. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}
