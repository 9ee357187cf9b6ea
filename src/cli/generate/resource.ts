import type { ModelNames } from "./names.ts";
import { viewFiles, viewNames } from "./views.ts";

/**
 * src/resources/posts.ts: the seven REST actions at /posts. With views it names the scaffold's
 * view files; without, the framework renders pages from the model's fields; with `api`, JSON only.
 * With `owner` (a column), only the record's owner changes it (`owner:` on the resource).
 */
export function resourceFile(
  names: ModelNames,
  withViews: boolean,
  api = false,
  owner?: string,
): string {
  const ownerOption = owner ? `owner: "${owner}"` : undefined;
  const lines = [
    'import { resource } from "nimbus-web";',
    `import { ${names.model} } from "../models/${names.file}.ts";`,
  ];
  if (api) {
    lines.push(
      "",
      "// JSON only: no pages, whatever the client accepts.",
      `export const ${names.resourceConst} = resource("/${names.plural}", ${names.model}, { ${["api: true", ...(ownerOption ? [ownerOption] : [])].join(", ")} });`,
    );
    return `${lines.join("\n")}\n`;
  }
  if (!withViews) {
    lines.push(
      "",
      `export const ${names.resourceConst} = resource("/${names.plural}", ${names.model}${ownerOption ? `, { ${ownerOption} }` : ""});`,
    );
    return `${lines.join("\n")}\n`;
  }
  const components = viewNames(names);
  const files = viewFiles(names);
  lines.push(`import { ${components.form} } from "../views/${files.form}";`);
  lines.push(`import { ${components.list} } from "../views/${files.list}";`);
  lines.push(`import { ${components.page} } from "../views/${files.page}";`);
  lines.push(
    "",
    `export const ${names.resourceConst} = resource("/${names.plural}", ${names.model}, {`,
    ...(ownerOption ? [`  ${ownerOption},`] : []),
    `  views: { index: ${components.list}, show: ${components.page}, form: ${components.form} },`,
    "});",
  );
  return `${lines.join("\n")}\n`;
}
