import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CliError } from "../../src/cli/errors.ts";
import {
  hash,
  type Manifest,
  readManifest,
  writeManifest,
} from "../../src/cli/generate/manifest.ts";
import { type PlannedFile, Writer } from "../../src/cli/generate/writer.ts";

let root: string;
let manifest: Manifest;
const file: PlannedFile = {
  path: "src/models/post.ts",
  content: "export const a = 1;\n",
  piece: "model",
};
const read = (path: string) => readFileSync(join(root, path), "utf8");

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "nimbus-writer-"));
  manifest = readManifest(root);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

describe("Writer", () => {
  it("creates a file and records its hash", () => {
    new Writer(root, manifest, { force: false, skip: false }).write(file, "Post");
    expect(read(file.path)).toBe(file.content);
    expect(manifest.files[file.path]).toEqual({
      owner: "Post",
      piece: "model",
      sha256: hash(file.content),
    });
  });

  it("updates a file that is still as generated", () => {
    new Writer(root, manifest, { force: false, skip: false }).write(file, "Post");
    const next = { ...file, content: "export const a = 2;\n" };
    new Writer(root, manifest, { force: false, skip: false }).write(next, "Post");
    expect(read(file.path)).toBe(next.content);
  });

  it("never overwrites an edited file: the check fails before anything is written", () => {
    new Writer(root, manifest, { force: false, skip: false }).write(file, "Post");
    writeFileSync(join(root, file.path), "// mine\n");
    const other: PlannedFile = { path: "src/views/post-list.tsx", content: "x\n", piece: "views" };
    const writer = new Writer(root, manifest, { force: false, skip: false });
    expect(() => writer.check([other, { ...file, content: "export const a = 2;\n" }])).toThrow(
      CliError,
    );
    const error = (() => {
      try {
        writer.check([{ ...file, content: "y\n" }]);
      } catch (thrown) {
        return thrown as CliError;
      }
    })();
    expect(error?.message).toContain("src/models/post.ts");
    expect(error?.hint).toMatch(/--skip.*--force/);
    expect(read(file.path)).toBe("// mine\n");
    expect(existsSync(join(root, other.path))).toBe(false);
  });

  it("treats a file it didn't write as the user's", () => {
    writeFileSync(join(root, "README.md"), "mine\n");
    const writer = new Writer(root, manifest, { force: false, skip: false });
    expect(() => writer.check([{ path: "README.md", content: "ours\n", piece: "views" }])).toThrow(
      /README.md/,
    );
  });

  it("--skip keeps the user's file, --force overwrites it", () => {
    new Writer(root, manifest, { force: false, skip: false }).write(file, "Post");
    writeFileSync(join(root, file.path), "// mine\n");
    const next = { ...file, content: "export const a = 2;\n" };
    new Writer(root, manifest, { force: false, skip: true }).write(next, "Post");
    expect(read(file.path)).toBe("// mine\n");
    new Writer(root, manifest, { force: true, skip: false }).write(next, "Post");
    expect(read(file.path)).toBe(next.content);
  });

  it("removes only untouched files unless forced", () => {
    new Writer(root, manifest, { force: false, skip: false }).write(file, "Post");
    writeFileSync(join(root, file.path), "// mine\n");
    expect(new Writer(root, manifest, { force: false, skip: false }).remove(file.path)).toBe(false);
    expect(existsSync(join(root, file.path))).toBe(true);
    expect(new Writer(root, manifest, { force: true, skip: false }).remove(file.path)).toBe(true);
    expect(existsSync(join(root, file.path))).toBe(false);
    expect(manifest.files[file.path]).toBeUndefined();
  });

  it("rolls back every file it created or changed", () => {
    writeFileSync(join(root, "app.ts"), "before\n");
    const writer = new Writer(root, manifest, { force: false, skip: false });
    writer.write(file, "Post");
    writer.edit("app.ts", () => "after\n");
    writer.rollback();
    expect(existsSync(join(root, file.path))).toBe(false);
    expect(read("app.ts")).toBe("before\n");
  });

  it("keeps the manifest sorted and readable", () => {
    manifest.files["b.ts"] = { owner: "B", piece: "model", sha256: "2" };
    manifest.files["a.ts"] = { owner: "A", piece: "model", sha256: "1" };
    writeManifest(root, manifest);
    expect(Object.keys(readManifest(root).files)).toEqual(["a.ts", "b.ts"]);
    expect(read(".nimbus/manifest.json").endsWith("}\n")).toBe(true);
  });
});
