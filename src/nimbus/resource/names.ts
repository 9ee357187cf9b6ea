import { humanize, singularize } from "../text/inflect.ts";
import type { ResourceNames } from "./types.ts";

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
    title: given.title ?? humanize(plural),
    singularTitle: given.singularTitle ?? humanize(singular),
  };
}
