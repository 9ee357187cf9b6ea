import type { ResourceNames } from "./types.ts";

function singularize(plural: string): string {
  if (plural.endsWith("ies")) return `${plural.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(plural)) return plural.slice(0, -2);
  if (plural.endsWith("s") && !plural.endsWith("ss")) return plural.slice(0, -1);
  return plural;
}

function titleCase(words: string): string {
  const spaced = words.replace(/[-_]/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** "/links/:linkId/comments" → comments, comment, Comments, Comment. */
export function namesFromPath(path: string, given: Partial<ResourceNames> = {}): ResourceNames {
  const last =
    path
      .split("/")
      .filter((s) => s && !s.startsWith(":"))
      .pop() ?? "records";
  const plural = given.plural ?? last;
  const singular = given.singular ?? singularize(plural);
  return {
    plural,
    singular,
    title: given.title ?? titleCase(plural),
    singularTitle: given.singularTitle ?? titleCase(singular),
  };
}
