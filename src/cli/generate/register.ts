import type { ModelNames } from "./names.ts";

/** The import line for `specifier`, placed among the file's imports in biome's order (packages, then paths). */
export function addImport(text: string, line: string, specifier: string): string {
  if (text.includes(line)) return text;
  const lines = text.split("\n");
  const imports = lines.flatMap((current, index) => (current.startsWith("import ") ? [index] : []));
  const sourceOf = (current: string) => /from "([^"]+)";$/.exec(current)?.[1] ?? "";
  const rank = (source: string) => (source.startsWith(".") ? 1 : 0);
  const after = imports.find((index) => {
    const source = sourceOf(lines[index] ?? "");
    return (
      rank(source) > rank(specifier) ||
      (rank(source) === rank(specifier) && source.localeCompare(specifier) > 0)
    );
  });
  const at = after ?? (imports.length > 0 ? (imports.at(-1) as number) + 1 : 0);
  lines.splice(at, 0, line);
  return lines.join("\n");
}

export function removeLine(text: string, line: string): string {
  return text
    .split("\n")
    .filter((current) => current !== line)
    .join("\n");
}

function schemaLine(names: ModelNames): string {
  return `export { ${names.tableConst} } from "./${names.file}.ts";`;
}

/** models/schema.ts lists every table for drizzle-kit: one export line per model, in biome's order. */
export function addToSchema(text: string, names: ModelNames): string {
  const line = schemaLine(names);
  if (text.includes(line)) return text;
  const lines = text.trimEnd().split("\n");
  const source = (current: string) => /from "([^"]+)";$/.exec(current)?.[1];
  const specifier = `./${names.file}.ts`;
  const after = lines.findIndex((current) => {
    const other = source(current);
    return (
      current.startsWith("export ") && other !== undefined && other.localeCompare(specifier) > 0
    );
  });
  lines.splice(after === -1 ? lines.length : after, 0, line);
  return `${lines.join("\n")}\n`;
}

export function removeFromSchema(text: string, names: ModelNames): string {
  return removeLine(text, schemaLine(names));
}

function resourceImport(names: ModelNames, extension: string): string {
  return `import { ${names.resourceConst} } from "./resources/${names.plural}.${extension}";`;
}

const RESOURCES = /\.resources\(([^)]*)\)/;

/** Lays out `.resources(a, b)` as biome does: on one line if the statement fits, else one per line. */
function resourcesCall(args: readonly string[], indent: string): string {
  const oneLine = `.resources(${args.join(", ")})`;
  if (indent.length + oneLine.length + 1 <= 100) return oneLine;
  return `.resources(\n${args.map((arg) => `${indent}  ${arg},`).join("\n")}\n${indent})`;
}

function indentBefore(text: string, at: number): string {
  const lineStart = text.lastIndexOf("\n", at) + 1;
  return /^\s*/.exec(text.slice(lineStart))?.[0] ?? "";
}

/**
 * Registers a resource in app.ts: its import, and its name in `.resources(...)`
 * (a `.resources()` call is added after `createApp(...)` if there is none). Idempotent.
 */
export function addResource(text: string, names: ModelNames, extension: "ts" | "tsx"): string {
  const next = addImport(
    text,
    resourceImport(names, extension),
    `./resources/${names.plural}.${extension}`,
  );
  const call = RESOURCES.exec(next);
  if (call) {
    const args = (call[1] ?? "")
      .split(",")
      .map((arg) => arg.trim())
      .filter(Boolean);
    if (args.includes(names.resourceConst)) return next;
    const indent = indentBefore(next, call.index);
    return (
      next.slice(0, call.index) +
      resourcesCall([...args, names.resourceConst], indent) +
      next.slice(call.index + call[0].length)
    );
  }
  // createApp() or createApp(options) as one name (`withAccounts`, from generate authentication).
  const create = /createApp(<[^>]*>)?\([\w.]*\)/.exec(next);
  if (!create) return next;
  const end = create.index + create[0].length;
  const rest = next.slice(end);
  const added = `.resources(${names.resourceConst})`;
  // A chain that goes on after createApp() gets one call a line, as biome lays out three or more.
  if (/^\s*\./.test(rest))
    return `${next.slice(0, end)}\n  ${added}${rest.startsWith(".") ? "\n  " : ""}${rest}`;
  return next.slice(0, end) + added + rest;
}

/** Undoes addResource: the import and the name in `.resources(...)`; an emptied call goes too. */
export function removeResource(text: string, names: ModelNames): string {
  let next = removeLine(
    removeLine(text, resourceImport(names, "ts")),
    resourceImport(names, "tsx"),
  );
  const call = RESOURCES.exec(next);
  if (!call) return next;
  const args = (call[1] ?? "")
    .split(",")
    .map((arg) => arg.trim())
    .filter((arg) => arg && arg !== names.resourceConst);
  if (args.length > 0) {
    const indent = indentBefore(next, call.index);
    return (
      next.slice(0, call.index) +
      resourcesCall(args, indent) +
      next.slice(call.index + call[0].length)
    );
  }
  // Remove the call with the line break and indent before it.
  const start = /\n\s*$/.exec(next.slice(0, call.index))
    ? next.slice(0, call.index).replace(/\n\s*$/, "").length
    : call.index;
  next = next.slice(0, start) + next.slice(call.index + call[0].length);
  return next;
}
