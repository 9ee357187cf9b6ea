import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";

const COMMANDS = [
  "new",
  "generate",
  "destroy",
  "dev",
  "db",
  "routes",
  "console",
  "deploy",
  "build",
  "cluster",
];

/** The CLI as a user runs it (the package's bin, built), in the Nimbus checkout (an app, with the demo). */
function nimbus(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [join(NIMBUS_ROOT, "dist", "cli", "main.js"), ...args],
    {
      cwd: NIMBUS_ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("nimbus", () => {
  it("lists every command in --help", () => {
    const { code, stdout } = nimbus("--help");
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it.each(COMMANDS)("%s --help shows its usage and options", (command) => {
    const { code, stdout } = nimbus(command, "--help");
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: nimbus ${command}`);
    expect(stdout).toContain("-h, --help");
  });

  it("names the commands when given an unknown one (exit 2)", () => {
    const { code, stderr } = nimbus("serve");
    expect(code).toBe(2);
    expect(stderr).toContain('nimbus: Unknown command "serve".');
    expect(stderr).toContain(
      "Commands: new, generate, destroy, dev, db, routes, console, deploy, build, cluster.",
    );
  });

  it("lists the valid field types for an unknown one, writing nothing (exit 2)", () => {
    const { code, stdout, stderr } = nimbus("generate", "scaffold", "Post", "title:strin");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'nimbus: "title:strin": unknown field type "strin".\nValid types: string, text, integer, real, boolean, datetime, json, references.\n',
    );
  });

  it("refuses an unknown option with the command's options", () => {
    const { code, stderr } = nimbus("dev", "--prot", "3000");
    expect(code).toBe(2);
    expect(stderr).toContain("--prot");
    expect(stderr).toContain("Options of `nimbus dev`: --port, --ip, --seed, --help.");
  });

  it("refuses to create an app in a folder that has files", () => {
    const { code, stderr } = nimbus("new", "src");
    expect(code).toBe(1);
    expect(stderr).toContain("src exists and is not empty; nothing written.");
    expect(stderr).toContain("--force");
  });

  it("prints the demo's routes", () => {
    const { code, stdout } = nimbus("routes");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^GET\s+\/links\/:id\/edit$/m);
    expect(stdout).toMatch(/^POST\s+\/links\/:id\s+\(forms: _method=PATCH or DELETE\)$/m);
  });
});
