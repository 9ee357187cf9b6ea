import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What each generator run wrote, so `destroy` removes only untouched files and re-runs never clobber edits. */
export interface Manifest {
  version: 1;
  /** Each model's fields as given on the command line, for later generators (views, references). */
  models: Record<string, { fields: string[]; unique?: string[][]; owner?: string }>;
  /** Generated files by path (relative to the app's root): who wrote them and the hash of what was written. */
  files: Record<string, ManifestEntry>;
}

/** The parts a generator writes; `destroy <kind>` removes the same parts `generate <kind>` wrote. */
export type Piece = "model" | "migration" | "resource" | "views" | "test" | "support";

export interface ManifestEntry {
  owner: string;
  piece: Piece;
  sha256: string;
}

export const MANIFEST_PATH = ".nimbus/manifest.json";

export function hash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

export function readManifest(root: string): Manifest {
  const path = join(root, MANIFEST_PATH);
  if (!existsSync(path)) return { version: 1, models: {}, files: {} };
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

export function writeManifest(root: string, manifest: Manifest): void {
  const path = join(root, MANIFEST_PATH);
  mkdirSync(dirname(path), { recursive: true });
  const sorted: Manifest = {
    version: 1,
    models: Object.fromEntries(
      Object.entries(manifest.models).sort(([a], [b]) => a.localeCompare(b)),
    ),
    files: Object.fromEntries(
      Object.entries(manifest.files).sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
  writeFileSync(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** A file is the generator's to change while it still holds exactly what the generator wrote. */
export function untouched(root: string, manifest: Manifest, path: string): boolean {
  const entry = manifest.files[path];
  const full = join(root, path);
  return (
    entry !== undefined && existsSync(full) && hash(readFileSync(full, "utf8")) === entry.sha256
  );
}
