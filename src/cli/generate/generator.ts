import { existsSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { CliError, UsageError } from "../errors.ts";
import { report, say } from "../progress.ts";
import type { Project } from "../project.ts";
import { type FieldSpec, parseField, parseFields, parseUniqueGroups } from "./fields.ts";
import { type Manifest, type Piece, readManifest, untouched, writeManifest } from "./manifest.ts";
import { generateMigration, journalPath } from "./migration.ts";
import { modelFile } from "./model.ts";
import { type ModelNames, modelNames } from "./names.ts";
import { addResource, addToSchema, removeFromSchema, removeResource } from "./register.ts";
import { resourceFile } from "./resource.ts";
import { supportFile } from "./support.ts";
import { testFile } from "./test.ts";
import { formView, listView, pageView, viewFiles } from "./views.ts";
import { type PlannedFile, type WriteOptions, Writer } from "./writer.ts";

export const KINDS = ["scaffold", "resource", "model", "view", "migration"] as const;
export type Kind = (typeof KINDS)[number];

/** What each generator writes; `destroy <kind>` removes the same. */
export const PIECES: Record<Exclude<Kind, "migration">, readonly Piece[]> = {
  scaffold: ["model", "migration", "resource", "views", "test"],
  resource: ["model", "migration", "resource", "test"],
  model: ["model", "migration"],
  view: ["views"],
};

/** Paths of one model's files, relative to the app's root. */
export function paths(project: Project, names: ModelNames) {
  const app = relative(project.root, project.appDir);
  const tests = relative(project.root, project.testDir);
  const views = viewFiles(names);
  return {
    model: join(app, "models", `${names.file}.ts`),
    schema: join(app, "models", "schema.ts"),
    resource: join(app, "resources", `${names.plural}.ts`),
    app: join(app, "app.ts"),
    views: [
      join(app, "views", views.list),
      join(app, "views", views.page),
      join(app, "views", views.form),
    ],
    test: join(tests, `${names.plural}.test.ts`),
    support: join(tests, "support", "browser.ts"),
  };
}

/** The fields given, or those the manifest remembers from an earlier generator of this model. */
function fieldsFor(
  manifest: Manifest,
  names: ModelNames,
  specs: readonly string[],
  kind: Kind,
): FieldSpec[] {
  const remembered = manifest.models[names.model]?.fields;
  const fields = parseFields(specs.length > 0 ? specs : (remembered ?? []));
  if (fields.length === 0) {
    throw new UsageError(
      `${kind} ${names.model}: no fields given, and no earlier generator recorded ${names.model}'s fields.`,
      `Name them: npx nimbus generate ${kind} ${names.model} title:string body:text`,
    );
  }
  return fields;
}

/** The session's user id, as `owner:` rules and `currentUserId(c)` name it. */
export const OWNER_COLUMN = "userId";

/**
 * `--owner`: a `userId` column pointing at the User of `generate authentication`, set from the
 * signed-in user and never from a request. The tests sign in with test/support/accounts.ts.
 */
function ownerField(project: Project, fields: readonly FieldSpec[]): FieldSpec {
  const tests = relative(project.root, project.testDir);
  const needs = [
    join(relative(project.root, project.appDir), "models", "user.ts"),
    join(tests, "support", "accounts.ts"),
  ];
  const missing = needs.filter((path) => !existsSync(join(project.root, path)));
  if (missing.length > 0) {
    throw new UsageError(
      `--owner needs the app's accounts, and ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing.`,
      "Add them first: npx nimbus generate authentication",
    );
  }
  if (fields.some((field) => field.name === OWNER_COLUMN)) {
    throw new UsageError(
      `--owner adds ${OWNER_COLUMN} itself (set from the signed-in user): leave out the user field.`,
    );
  }
  return parseField("user:references:required");
}

/** A reference needs its table in code already: drizzle-kit resolves the foreign key from it. */
function checkTargets(project: Project, fields: readonly FieldSpec[]): void {
  for (const field of fields) {
    if (!field.target) continue;
    const file = join(project.appDir, "models", `${field.target.file}.ts`);
    if (!existsSync(file)) {
      throw new UsageError(
        `${field.source}: there is no model ${field.target.model} (${relative(project.root, file)}) to reference.`,
        `Generate it first: npx nimbus generate model ${field.target.model} name:string`,
      );
    }
  }
}

function parentsOf(manifest: Manifest, fields: readonly FieldSpec[]): Map<string, FieldSpec[]> {
  const parents = new Map<string, FieldSpec[]>();
  for (const field of fields) {
    if (field.target)
      parents.set(
        field.target.model,
        parseFields(manifest.models[field.target.model]?.fields ?? []),
      );
  }
  return parents;
}

function viewsPlanned(
  project: Project,
  names: ModelNames,
  fields: readonly FieldSpec[],
): PlannedFile[] {
  const [list, page, form] = paths(project, names).views;
  return [
    { path: list as string, content: listView(names, fields), piece: "views" },
    { path: page as string, content: pageView(names, fields), piece: "views" },
    { path: form as string, content: formView(names, fields), piece: "views" },
  ];
}

/** Runs a generator: plans every file, refuses conflicts before writing, writes, and undoes all on failure. */
export async function generate(
  project: Project,
  kind: Kind,
  name: string,
  specs: readonly string[],
  options: WriteOptions & {
    custom?: boolean;
    api?: boolean;
    unique?: string | undefined;
    owner?: boolean;
  },
): Promise<void> {
  if (kind === "migration")
    return generateMigrationOnly(project, name, specs, options.custom === true);
  const api = options.api === true;
  if (api && kind !== "scaffold" && kind !== "resource") {
    throw new UsageError(
      `--api is for scaffold and resource (JSON only, no views); not for ${kind}.`,
      `Example: npx nimbus generate scaffold ${name} title:string --api`,
    );
  }
  const manifest = readManifest(project.root);
  const names = modelNames(name);
  const fields = fieldsFor(manifest, names, specs, kind);
  const unique = options.unique
    ? parseUniqueGroups(options.unique, fields)
    : (manifest.models[names.model]?.unique ?? []);
  checkTargets(project, fields);
  if (options.owner && kind !== "scaffold" && kind !== "resource") {
    throw new UsageError(
      `--owner is for scaffold and resource (the resource enforces it), not ${kind}.`,
      `Example: npx nimbus generate scaffold ${name} title:string --owner`,
    );
  }
  // Once owned, always: a later generator of this model keeps the owner column and rule.
  const ownedBy =
    options.owner || manifest.models[names.model]?.owner === OWNER_COLUMN
      ? ownerField(project, fields)
      : undefined;
  const where = paths(project, names);
  const pieces = api ? PIECES[kind].filter((piece) => piece !== "views") : PIECES[kind];
  const writer = new Writer(project.root, manifest, options);
  const owner = names.model;
  // The resource names its views when they are written now or were before.
  const withViews =
    !api &&
    (pieces.includes("views") ||
      kind === "view" ||
      existsSync(join(project.root, where.views[0] as string)));

  const modelPlan: PlannedFile[] = pieces.includes("model")
    ? [{ path: where.model, content: modelFile(names, fields, unique, ownedBy), piece: "model" }]
    : [];
  const rest: PlannedFile[] = [];
  if (pieces.includes("views")) rest.push(...viewsPlanned(project, names, fields));
  const resourcePlanned: PlannedFile = {
    path: where.resource,
    content: resourceFile(names, withViews, api, ownedBy?.name),
    piece: "resource",
  };
  if (pieces.includes("resource")) rest.push(resourcePlanned);
  // `generate view` points an untouched resource at the new views; an edited one is the user's to change.
  const rewireResource = kind === "view" && untouched(project.root, manifest, where.resource);
  if (rewireResource) rest.push(resourcePlanned);
  if (pieces.includes("test"))
    rest.push({
      path: where.test,
      content: testFile(names, fields, parentsOf(manifest, fields), api, ownedBy !== undefined),
      piece: "test",
    });
  writer.check([...modelPlan, ...rest]);

  try {
    for (const file of modelPlan) writer.write(file, owner);
    if (pieces.includes("model")) writer.edit(where.schema, (text) => addToSchema(text, names));
    if (pieces.includes("migration")) {
      const journal = journalPath(project);
      writer.remember(journal);
      const created = await generateMigration(project, `create_${names.table}`);
      for (const file of created) writer.adopt(file, "migration", owner);
      if (created.length === 0)
        report("identical", relative(project.root, project.migrationsDir), "no schema change");
    }
    for (const file of rest) writer.write(file, owner);
    if (pieces.includes("test") && !existsSync(join(project.root, where.support))) {
      writer.write({ path: where.support, content: supportFile(), piece: "support" }, "app");
    }
    if (pieces.includes("resource"))
      writer.edit(where.app, (text) => addResource(text, names, "ts"));
  } catch (error) {
    say("Undoing the changes of this run…");
    writer.rollback();
    throw error;
  }
  if (pieces.includes("model"))
    manifest.models[owner] = {
      fields: fields.map((field) => field.source),
      ...(unique.length > 0 && { unique }),
      ...(ownedBy && { owner: ownedBy.name }),
    };
  writeManifest(project.root, manifest);
  if (kind === "view" && !rewireResource) {
    say(
      `Pass the views to the resource: resource("/${names.plural}", ${names.model}, { views: { index: ${names.model}List, show: ${names.model}Page, form: ${names.model}Form } })`,
    );
  }
}

async function generateMigrationOnly(
  project: Project,
  name: string,
  rest: readonly string[],
  custom: boolean,
): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new UsageError(
      `"${name}" is not a migration name.`,
      "Use lowercase words joined by _, like add_slug_to_posts.",
    );
  }
  if (rest.length > 0) {
    throw new UsageError(
      `generate migration takes a name only; got ${rest.join(" ")}.`,
      "Change the model, then run: npx nimbus generate migration add_slug_to_posts",
    );
  }
  const created = await generateMigration(project, name, custom);
  if (created.length === 0)
    say("No schema change: the models match the last migration. Nothing written.");
  for (const file of created) report("create", file);
}

/** The newest migration's tag in drizzle-kit's journal ("0003_create_posts"). */
function latestMigration(project: Project): string | undefined {
  const journal = join(project.root, journalPath(project));
  if (!existsSync(journal)) return undefined;
  const entries = (JSON.parse(readFileSync(journal, "utf8")) as { entries: { tag: string }[] })
    .entries;
  return entries.at(-1)?.tag;
}

/**
 * Undoes a generator: removes the files it wrote that are still as written, keeps changed ones,
 * and unregisters the model and resource. A migration goes only while it is the newest one;
 * an older one stays in history and a new migration drops the table.
 */
export async function destroy(
  project: Project,
  kind: Exclude<Kind, "migration">,
  name: string,
  options: WriteOptions,
): Promise<void> {
  const manifest = readManifest(project.root);
  const names = modelNames(name);
  const owner = names.model;
  const pieces = PIECES[kind];
  const where = paths(project, names);
  const owned = Object.entries(manifest.files).filter(
    ([, entry]) => entry.owner === owner && pieces.includes(entry.piece),
  );
  if (owned.length === 0 && !manifest.models[owner]) {
    throw new CliError(
      `Nothing to destroy: no ${kind} ${owner} is recorded in .nimbus/manifest.json.`,
      {
        hint: "destroy removes only what `nimbus generate` wrote; delete files of your own by hand.",
      },
    );
  }
  const writer = new Writer(project.root, manifest, options);
  try {
    if (pieces.includes("resource")) writer.edit(where.app, (text) => removeResource(text, names));
    for (const [path, entry] of owned) if (entry.piece !== "migration") writer.remove(path);
    if (kind === "view" && untouched(project.root, manifest, where.resource)) {
      writer.write(
        { path: where.resource, content: resourceFile(names, false), piece: "resource" },
        owner,
      );
    }
    if (pieces.includes("model")) {
      writer.edit(where.schema, (text) => removeFromSchema(text, names));
      await destroyMigration(
        project,
        manifest,
        writer,
        owned.filter(([, entry]) => entry.piece === "migration").map(([path]) => path),
        names,
      );
      delete manifest.models[owner];
    }
  } catch (error) {
    writer.rollback();
    throw error;
  }
  writeManifest(project.root, manifest);
}

async function destroyMigration(
  project: Project,
  manifest: Manifest,
  writer: Writer,
  files: string[],
  names: ModelNames,
): Promise<void> {
  const sql = files.find((file) => file.endsWith(".sql"));
  const tag = sql ? basename(sql, ".sql") : undefined;
  const removable =
    tag !== undefined &&
    tag === latestMigration(project) &&
    files.every((file) => untouched(project.root, manifest, file));
  if (removable) {
    const journal = journalPath(project);
    writer.edit(journal, (text) => {
      const parsed = JSON.parse(text) as { entries: { tag: string }[] };
      parsed.entries = parsed.entries.filter((entry) => entry.tag !== tag);
      return `${JSON.stringify(parsed, null, 2)}`;
    });
    for (const file of files) writer.remove(file);
    say(`If you had applied ${tag} to a database, reset it: npx nimbus db reset`);
    return;
  }
  for (const file of files) delete manifest.files[file];
  writer.remember(journalPath(project));
  const created = await generateMigration(project, `drop_${names.table}`);
  for (const file of created) report("create", file);
}
