// Vitest globalSetup of the "worker" project: an app made by the CLI's own generators (what
// `nimbus new` writes, then `nimbus generate scaffold Author ...` and `... Article ...`,
// `nimbus generate authentication` and `nimbus generate scaffold Note ... --owner`), under
// test/artifacts (ignored by git, tsc and biome). The fuzz suite imports its app.ts and applies
// its migrations (inject("scaffoldMigrations")). Regenerated whenever the generators or the
// field list change; otherwise the last one is reused (drizzle-kit takes a few seconds).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { D1Migration } from "@cloudflare/vitest-plugin";
import { readD1Migrations } from "@cloudflare/vitest-plugin";
import type { TestProject } from "vitest/node";
import { generateAuthentication } from "../../../src/cli/generate/authentication/generator.ts";
import { generate } from "../../../src/cli/generate/generator.ts";
import { projectAt } from "../../../src/cli/project.ts";
import { NIMBUS_ROOT } from "../../../src/cli/tools.ts";
import { writeTestApp } from "../../support/test-app.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The generated app's migrations, for applyD1Migrations. */
    scaffoldMigrations: D1Migration[];
  }
}

/** After the accounts (`nimbus generate authentication`): a scaffold only its owner may edit. */
export const OWNED: readonly [string, readonly string[]] = [
  "Note",
  ["title:string:required", "body:text"],
];

/** Where the generated app lives; the fuzz test imports `${SCAFFOLD_DIR}/src/app.ts`. */
export const SCAFFOLD_DIR = join(NIMBUS_ROOT, "test", "artifacts", "fuzz-scaffold");

/** The generator commands, as a developer types them after `nimbus generate scaffold`. */
export const SCAFFOLDS: readonly (readonly [string, readonly string[], string?])[] = [
  ["Author", ["name:string:required", "email:string:unique", "bio:text"]],
  [
    "Article",
    [
      "title:string:required",
      "body:text",
      "words:integer",
      "published:boolean",
      "rating:real",
      "publishedAt:datetime",
      "author:references",
      "slug:string",
    ],
    // A composite unique index: one slug per author.
    "authorId,slug",
  ],
];

function stamp(): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([SCAFFOLDS, OWNED]));
  for (const dir of ["src/cli/generate", "src/cli/templates"]) {
    // Recursive: generators keep templates in folders of their own (generate/authentication).
    for (const file of readdirSync(join(NIMBUS_ROOT, dir), {
      recursive: true,
      encoding: "utf8",
    }).sort()) {
      const path = join(NIMBUS_ROOT, dir, file);
      if (statSync(path).isFile()) hash.update(readFileSync(path));
    }
  }
  return hash.digest("hex");
}

async function generateApp(root: string): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  writeTestApp(root, "fuzz-scaffold", { tests: false });
  const project = projectAt(root);
  // The generators report each file on stdout; the test run's output has no use for them.
  const write_ = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (const [name, fields, unique] of SCAFFOLDS)
      await generate(project, "scaffold", name, fields, { force: false, skip: false, unique });
    await generateAuthentication(project, { force: false, skip: false });
    await generate(project, "scaffold", OWNED[0], OWNED[1], {
      force: false,
      skip: false,
      owner: true,
    });
  } finally {
    process.stdout.write = write_;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const want = stamp();
  const stampFile = join(SCAFFOLD_DIR, ".stamp");
  if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== want) {
    await generateApp(SCAFFOLD_DIR);
    writeFileSync(stampFile, want);
  }
  project.provide("scaffoldMigrations", await readD1Migrations(join(SCAFFOLD_DIR, "migrations")));
}
