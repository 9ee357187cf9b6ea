import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { destroy, PIECES } from "../generate/generator.ts";
import { findProject } from "../project.ts";

const KINDS = Object.keys(PIECES) as (keyof typeof PIECES)[];

export const destroyCommand = defineCommand({
  name: "destroy",
  summary: "Remove what a generator wrote, keeping files you changed (alias: d)",
  usage: "nimbus destroy <scaffold|resource|model|view> <Name> [options]",
  description: [
    "Removes the files `nimbus generate <kind> <Name>` wrote that are still as it wrote them (see",
    ".nimbus/manifest.json), and unregisters the resource from app.ts and the table from schema.ts.",
    "A file you changed is kept unless --force. The model's migration is removed while it is the",
    "newest; an older one stays in history and a new migration drops the table.",
  ].join("\n"),
  options: {
    force: {
      type: "boolean",
      short: "f",
      description: "Remove generated files even if you changed them",
    },
  },
  examples: ["npx nimbus destroy scaffold Post"],
  async run(positionals, flags) {
    const [kind, name, ...extra] = positionals;
    if (!kind || !(KINDS as string[]).includes(kind) || !name || extra.length > 0) {
      throw new UsageError(
        "destroy takes a generator and a name.",
        `Generators: ${KINDS.join(", ")}. Example: npx nimbus destroy scaffold Post`,
      );
    }
    await destroy(findProject(), kind as (typeof KINDS)[number], name, {
      force: flags.force === true,
      skip: false,
    });
  },
});
