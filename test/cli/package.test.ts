/**
 * The published shape: what the tarball holds, that create-nimbus follows nimbus-web, and that
 * the worker-side entries never reach Node-only code (an app's bundle must not pull it in).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";

const read = (path: string) => JSON.parse(readFileSync(join(NIMBUS_ROOT, path), "utf8"));
const nimbus = read("package.json");
type Entry = { types: string; default: string };
const entries = Object.entries(nimbus.exports as Record<string, Entry | string>).filter(
  (pair): pair is [string, Entry] => typeof pair[1] !== "string",
);

describe("the nimbus-web package", () => {
  it("points every export and its bin at built files", () => {
    for (const [, entry] of entries) {
      expect(existsSync(join(NIMBUS_ROOT, entry.default)), entry.default).toBe(true);
      expect(existsSync(join(NIMBUS_ROOT, entry.types)), entry.types).toBe(true);
    }
    expect(readFileSync(join(NIMBUS_ROOT, nimbus.bin.nimbus), "utf8")).toMatch(
      /^#!\/usr\/bin\/env node/,
    );
  });

  it("ships the framework and CLI only: no demo, tests, benchmarks or TypeScript sources", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: NIMBUS_ROOT,
      encoding: "utf8",
    });
    const [{ files }] = JSON.parse(out.slice(out.indexOf("["))) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    expect(paths).toContain("dist/cli/main.js");
    expect(paths).toContain("dist/nimbus/index.d.ts");
    const stray = paths.filter(
      (path) =>
        !/^(dist\/(nimbus|node|cli)\/|package\.json$|README\.md$)/.test(path) ||
        (path.endsWith(".ts") && !path.endsWith(".d.ts")),
    );
    expect(stray).toEqual([]);
  });

  it("has create-nimbus at the same version, depending on it", () => {
    const create = read("src/create-nimbus/package.json");
    expect(create.version).toBe(nimbus.version);
    expect(create.dependencies).toEqual({ "nimbus-web": `^${nimbus.version}` });
  });

  it.each(entries.filter(([name]) => name !== "./node"))(
    "keeps Node-only code out of the worker entry %s",
    async (_name, entry) => {
      const result = await build({
        entryPoints: [join(NIMBUS_ROOT, entry.default)],
        bundle: true,
        write: false,
        metafile: true,
        format: "esm",
        platform: "browser",
        conditions: ["workerd", "worker"],
        external: ["cloudflare:*"],
        logLevel: "silent",
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(
        inputs.filter((path) => path.includes("dist/node/") || path.includes("dist/cli/")),
      ).toEqual([]);
      const nodeImports = Object.values(result.metafile.inputs)
        .flatMap((input) => input.imports.map((i) => i.path))
        .filter((path) => path.startsWith("node:"));
      expect(nodeImports).toEqual([]);
    },
  );
});
