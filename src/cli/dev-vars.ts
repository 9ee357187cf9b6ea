import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Variables a `.dev.vars`-style file sets (KEY=value lines; # comments). */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) vars[match[1]] = (match[2] ?? "").replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/**
 * Creates `.dev.vars` (wrangler dev reads it; it is never committed or deployed) when the app has
 * none: development mode, a session secret made up for this checkout, and the app's own
 * development values from `.dev.vars.example`. Returns whether it wrote the file.
 */
export function ensureDevVars(root: string): boolean {
  const path = join(root, ".dev.vars");
  if (existsSync(path)) return false;
  const examplePath = join(root, ".dev.vars.example");
  const example = existsSync(examplePath) ? readFileSync(examplePath, "utf8") : "";
  const vars: Record<string, string> = {
    NIMBUS_ENV: "development",
    SESSION_SECRET: randomBytes(32).toString("hex"),
    ...parseDevVars(example),
  };
  const lines = [
    "# Written by `nimbus dev` for this checkout only: never commit or deploy it.",
    ...Object.entries(vars).map(([key, value]) => `${key}=${value}`),
    "",
  ];
  writeFileSync(path, lines.join("\n"), { mode: 0o600 });
  return true;
}
