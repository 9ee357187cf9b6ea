import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { generateAuthentication } from "../generate/authentication/generator.ts";
import { FIELD_TYPES, MODIFIERS } from "../generate/fields.ts";
import { generate, KINDS, type Kind } from "../generate/generator.ts";
import { findProject } from "../project.ts";

export const generateCommand = defineCommand({
  name: "generate",
  summary: "Write a scaffold, resource, model, view, migration or authentication (alias: g)",
  usage:
    "nimbus generate <scaffold|resource|model|view|migration> <Name> [field:type[:modifier]...] [options]\n       nimbus generate authentication",
  description: [
    "scaffold   model + migration + resource + views + tests, registered in app.ts; the views",
    "           are files of yours to edit, typed from the model",
    "resource   model + migration + resource + tests; its pages come from the framework's",
    "           scaffold views (fewer files: write your own later with `generate view`)",
    "model      model + migration",
    "view       list, page and form views for an existing model",
    "migration  <name>: a migration for what changed in the models (--custom: an empty one)",
    "authentication  accounts, as Rails 8's generator: users, API tokens, password resets and",
    "           email confirmations (models + one migration); sign up, sign in/out, forgot/reset",
    "           password, confirm the address (mail through a Mailer; in development the outbox at",
    "           /dev/outbox), an account page with API tokens, rate limits (nimbus/coord), tests,",
    "           and the wiring in app.ts, worker.ts, wrangler.toml. Then scaffolds may be --owner.",
    "",
    `Field types: ${FIELD_TYPES.join(", ")} (string when left out).`,
    `Modifiers: ${MODIFIERS.join(", ")}. Fields are optional unless required.`,
    "author:references adds authorId, a foreign key to the Author model's table, indexed;",
    "author:references{User} points authorId at the User model instead (two may share one model).",
    '--unique "article,author" makes fields unique together (groups separated by ;).',
    "--api (scaffold, resource): JSON only, no views or form pages.",
    "--owner (scaffold, resource): records belong to the signed-in user (a userId column set from",
    "           the session or API token): only the owner edits or deletes, others get 403. Needs",
    "           `generate authentication` first.",
    "",
    "A file you changed since it was generated is never overwritten: the run stops before writing",
    "anything, unless --skip keeps your version or --force overwrites it.",
  ].join("\n"),
  options: {
    force: { type: "boolean", short: "f", description: "Overwrite files you changed" },
    skip: { type: "boolean", short: "s", description: "Keep files you changed, write the rest" },
    custom: {
      type: "boolean",
      description: "generate migration: an empty SQL file to write by hand",
    },
    api: { type: "boolean", description: "JSON only: no views, no form pages" },
    owner: {
      type: "boolean",
      description: "Records belong to the signed-in user; only the owner changes them",
    },
    unique: {
      type: "string",
      placeholder: "a,b[;c,d]",
      description: "Fields unique together (a composite unique index)",
    },
  },
  examples: [
    "npx nimbus generate scaffold Post title:string:required body:text published:boolean:default=false",
    "npx nimbus generate model Author name:string:required email:string:unique",
    "npx nimbus generate scaffold Comment body:text author:references",
    "npx nimbus generate scaffold Article title:string author:references{User} editor:references{User} --api",
    'npx nimbus generate model Vote voter:references{User} link:references --unique "voter,link"',
    "npx nimbus generate migration add_slug_to_posts",
    "npx nimbus generate authentication",
    "npx nimbus generate scaffold Note title:string:required body:text --owner",
  ],
  async run(positionals, flags) {
    const [kind, name, ...fields] = positionals;
    if (kind === "authentication") {
      if (name !== undefined)
        throw new UsageError(
          `generate authentication takes no name or fields; got ${positionals.slice(1).join(" ")}.`,
          "Run: npx nimbus generate authentication",
        );
      return generateAuthentication(findProject(), {
        force: flags.force === true,
        skip: flags.skip === true,
      });
    }
    if (!kind || !(KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(
        kind ? `Unknown generator "${kind}".` : "generate needs a generator and a name.",
        `Generators: ${KINDS.join(", ")}, authentication. Example: npx nimbus generate scaffold Post title:string`,
      );
    }
    if (!name)
      throw new UsageError(
        `generate ${kind} needs a name.`,
        `Example: npx nimbus generate ${kind} ${kind === "migration" ? "add_slug_to_posts" : "Post title:string"}`,
      );
    await generate(findProject(), kind as Kind, name, fields, {
      force: flags.force === true,
      skip: flags.skip === true,
      custom: flags.custom === true,
      api: flags.api === true,
      unique: flags.unique,
      owner: flags.owner === true,
    });
  },
});
