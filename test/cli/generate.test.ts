import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CliError, UsageError } from "../../src/cli/errors.ts";
import { destroy, generate } from "../../src/cli/generate/generator.ts";
import { readManifest } from "../../src/cli/generate/manifest.ts";
import { type Project, projectAt } from "../../src/cli/project.ts";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";
import { runTool, writeIn, writeTestApp } from "../support/test-app.ts";

// Under test/artifacts (ignored by git, tsc and biome), so node_modules resolve from the checkout.
const ARTIFACTS = join(NIMBUS_ROOT, "test", "artifacts");
const options = { force: false, skip: false };
let root: string;
let project: Project;

const write = (path: string, content: string) => writeIn(root, path, content);

const read = (path: string) => readFileSync(join(root, path), "utf8");
const exists = (path: string) => existsSync(join(root, path));

/** A tool of the checkout, run on this Node in the test app. */
const run = (tool: string, args: string[]) => runTool(root, tool, args, 120_000);

beforeAll(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  root = mkdtempSync(join(ARTIFACTS, "cli-generate-"));
  writeTestApp(root, "gen");
  project = projectAt(root);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterAll(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

describe("generators in an app", () => {
  it("refuses a reference to a model that doesn't exist, writing nothing", async () => {
    await expect(
      generate(project, "scaffold", "Post", ["author:references"], options),
    ).rejects.toThrow(/no model Author.*to reference/);
    expect(exists("src/models/post.ts")).toBe(false);
  });

  it("writes a model and its migration", { timeout: 60_000 }, async () => {
    await generate(
      project,
      "model",
      "Author",
      ["name:string:required", "email:string:unique"],
      options,
    );
    expect(read("src/models/author.ts")).toContain("name: text().notNull(),");
    expect(read("src/models/schema.ts")).toContain('export { authors } from "./author.ts";');
    expect(read("migrations/0000_create_authors.sql")).toContain("CREATE TABLE `authors`");
    expect(readManifest(root).models.Author?.fields).toEqual([
      "name:string:required",
      "email:string:unique",
    ]);
  });

  it("scaffolds every field type, registered and migrated", { timeout: 60_000 }, async () => {
    await generate(
      project,
      "scaffold",
      "Post",
      [
        "title:string:required",
        "body:text",
        "views:integer:default=0",
        "score:real",
        "published:boolean:default=false",
        "published_at:datetime:index",
        "meta:json",
        "author:references",
      ],
      options,
    );
    const model = read("src/models/post.ts");
    expect(model).toContain('import { authors } from "./author.ts";');
    expect(model).toContain('publishedAt: integer({ mode: "timestamp_ms" }),');
    expect(model).toContain('.references(() => authors.id, { onDelete: "cascade" }),');
    expect(model).toContain(
      '(t) => [index("posts_published_at").on(t.publishedAt), index("posts_author_id").on(t.authorId)],',
    );
    expect(read("src/app.ts")).toContain(".resources(postResource)");
    const migration = read("migrations/0001_create_posts.sql");
    expect(migration).toContain(
      "FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE cascade",
    );
    expect(migration).toContain("CREATE INDEX `posts_author_id` ON `posts` (`author_id`);");
    expect(read("test/posts.test.ts")).toContain("async function createAuthor()");
  });

  it("generate view points an untouched resource at the new views", {
    timeout: 60_000,
  }, async () => {
    await generate(project, "view", "Author", [], options);
    expect(exists("src/views/author-list.tsx")).toBe(true);
    expect(exists("src/resources/authors.ts")).toBe(false);
  });

  it("references a model by another name, twice, with a composite unique index, JSON only", {
    timeout: 60_000,
  }, async () => {
    await generate(
      project,
      "scaffold",
      "Article",
      ["title:string:required", "author:references{Author}", "editor:references{Author}"],
      { ...options, api: true, unique: "title,author" },
    );
    const model = read("src/models/article.ts");
    expect(model.match(/import \{ authors \} from/g)).toHaveLength(1);
    expect(model).toContain("editorId: integer()");
    expect(model).toContain(
      'uniqueIndex("articles_title_author_id_unique").on(t.title, t.authorId)',
    );
    expect(read("src/resources/articles.ts")).toContain(
      'resource("/articles", Article, { api: true })',
    );
    expect(exists("src/views/article-list.tsx")).toBe(false);
    expect(read("test/articles.test.ts")).not.toContain("Browser");
    const migration = read("migrations/0002_create_articles.sql");
    expect(migration).toContain("FOREIGN KEY (`editor_id`) REFERENCES `authors`(`id`)");
    expect(migration).toContain(
      "CREATE UNIQUE INDEX `articles_title_author_id_unique` ON `articles` (`title`,`author_id`);",
    );
    expect(readManifest(root).models.Article).toEqual({
      fields: ["title:string:required", "author:references{Author}", "editor:references{Author}"],
      unique: [["title", "authorId"]],
    });
  });

  it("writes code that type-checks and is formatted and linted as biome wants", {
    timeout: 120_000,
  }, async () => {
    await generate(project, "resource", "Tag", ["name:string:required:unique"], options);
    const tsc = run("tsc", ["-p", "."]);
    expect(tsc.status, tsc.output).toBe(0);
    writeFileSync(
      join(root, "biome.json"),
      readFileSync(join(NIMBUS_ROOT, "biome.json"), "utf8").replace(/"files":[^}]*},/s, ""),
    );
    const biome = run("biome", ["check", "--config-path", root, "src", "test"]);
    expect(biome.status, biome.output).toBe(0);
  });

  it("writes tests that pass inside workerd", { timeout: 180_000 }, async () => {
    const vitest = run("vitest", ["run", "--root", root]);
    expect(vitest.status, vitest.output.slice(-3000)).toBe(0);
  });

  it("re-running changes nothing; an edited file stops the run before it writes", {
    timeout: 60_000,
  }, async () => {
    const specs = ["name:string:required:unique"];
    await generate(project, "resource", "Tag", specs, options);
    write("src/resources/tags.ts", `${read("src/resources/tags.ts")}// mine\n`);
    const attempt = generate(project, "resource", "Tag", ["name:string", "slug:string"], options);
    await expect(attempt).rejects.toThrow(CliError);
    await expect(attempt).rejects.toThrow(/src\/resources\/tags.ts/);
    expect(read("src/models/tag.ts")).not.toContain("slug");
    expect(read("src/resources/tags.ts")).toContain("// mine");
  });

  it("destroy removes what is untouched, keeps edits and unregisters", {
    timeout: 60_000,
  }, async () => {
    write("src/views/post-form.tsx", `${read("src/views/post-form.tsx")}// mine\n`);
    await destroy(project, "scaffold", "Post", options);
    expect(exists("src/models/post.ts")).toBe(false);
    expect(exists("src/views/post-list.tsx")).toBe(false);
    expect(exists("src/views/post-form.tsx")).toBe(true);
    expect(read("src/app.ts")).not.toContain("postResource");
    expect(read("src/models/schema.ts")).not.toContain("posts");
    // Tag's migration came after Post's: Post's stays in history, and a new one drops the table.
    expect(exists("migrations/0001_create_posts.sql")).toBe(true);
    expect(read("migrations/0004_drop_posts.sql")).toContain("DROP TABLE `posts`");
    expect(readManifest(root).models.Post).toBeUndefined();
  });

  it("destroy removes the newest migration with its journal entry", {
    timeout: 60_000,
  }, async () => {
    await generate(project, "model", "Note", ["text:text"], options);
    expect(exists("migrations/0005_create_notes.sql")).toBe(true);
    await destroy(project, "model", "Note", options);
    expect(exists("migrations/0005_create_notes.sql")).toBe(false);
    expect(exists("migrations/meta/0005_snapshot.json")).toBe(false);
    expect(read("migrations/meta/_journal.json")).not.toContain("create_notes");
  });

  it("destroy of something never generated says so", async () => {
    await expect(destroy(project, "scaffold", "Ghost", options)).rejects.toThrow(
      /Nothing to destroy/,
    );
  });

  it("generate without fields for an unknown model asks for them", async () => {
    await expect(generate(project, "scaffold", "Comment", [], options)).rejects.toThrow(UsageError);
  });

  it("generate migration writes nothing without a change, and an empty file with --custom", {
    timeout: 60_000,
  }, async () => {
    const before = readFileSync(join(root, "migrations/meta/_journal.json"), "utf8");
    await generate(project, "migration", "nothing_changed", [], options);
    expect(read("migrations/meta/_journal.json")).toBe(before);
    await generate(project, "migration", "backfill_titles", [], { ...options, custom: true });
    expect(read("migrations/meta/_journal.json")).toContain("backfill_titles");
  });
});
