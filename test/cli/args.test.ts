import { describe, expect, it } from "vitest";
import { formatHelp, parseCommandArgs } from "../../src/cli/args.ts";
import { UsageError } from "../../src/cli/errors.ts";

const options = {
  port: { type: "string", short: "p", placeholder: "port", description: "Port" },
  force: { type: "boolean", short: "f", description: "Overwrite" },
} as const;

describe("parseCommandArgs", () => {
  it("reads flags, short flags and positionals", () => {
    const parsed = parseCommandArgs("dev", options, ["-p", "3000", "a", "--force", "b"]);
    expect(parsed.flags).toEqual({ port: "3000", force: true });
    expect(parsed.positionals).toEqual(["a", "b"]);
    expect(parsed.help).toBe(false);
  });

  it("knows --help and -h on every command", () => {
    expect(parseCommandArgs("dev", options, ["--help"]).help).toBe(true);
    expect(parseCommandArgs("dev", options, ["-h"]).help).toBe(true);
  });

  it("refuses an unknown option, naming the ones the command has", () => {
    const attempt = () => parseCommandArgs("dev", options, ["--prot", "3000"]);
    expect(attempt).toThrow(UsageError);
    try {
      attempt();
    } catch (error) {
      expect((error as UsageError).message).toContain("--prot");
      expect((error as UsageError).hint).toBe("Options of `nimbus dev`: --port, --force, --help.");
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it("refuses a string option without its value", () => {
    expect(() => parseCommandArgs("dev", options, ["--port"])).toThrow(/--port/);
  });
});

describe("formatHelp", () => {
  it("shows usage, description, aligned options and examples", () => {
    const help = formatHelp("nimbus dev [options]", "Serves the app.", options, ["npm start"]);
    expect(help).toBe(
      [
        "Usage: nimbus dev [options]",
        "",
        "Serves the app.",
        "",
        "Options:",
        "  -p, --port <port>  Port",
        "  -f, --force        Overwrite",
        "  -h, --help         Show this help",
        "",
        "Examples:",
        "  npm start",
      ].join("\n"),
    );
  });
});
