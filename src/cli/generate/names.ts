import {
  camelCase,
  capitalize,
  humanize,
  pluralize,
  snakeCase,
  words,
} from "../../nimbus/text/inflect.ts";
import { UsageError } from "../errors.ts";

// The framework's inflector: generated names and the framework's messages agree.
export { camelCase, humanize, pluralize, snakeCase };

/** Every name a generator needs for one model, all derived from its class name. */
export interface ModelNames {
  /** "BlogPost": the model. */
  model: string;
  /** "blogPost": one record in code. */
  variable: string;
  /** "blogPosts": the table's constant. */
  tableConst: string;
  /** "blog_posts": the SQL table. */
  table: string;
  /** "blog-post": the model's file name. */
  file: string;
  /** "blog-posts": the URL segment and the resource's file name. */
  plural: string;
  /** "blog post" and "blog posts", for text. */
  human: string;
  humanPlural: string;
  /** "blogPostResource" */
  resourceConst: string;
}

/** Accepts "Post", "post", "blog_post" or "BlogPost"; anything else is a usage error. */
export function modelNames(input: string): ModelNames {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(input)) {
    throw new UsageError(
      `"${input}" is not a model name.`,
      "Use a singular name in letters and digits, like Post or BlogPost.",
    );
  }
  const parts = words(input);
  const last = parts.pop() ?? "";
  const pluralParts = [...parts, pluralize(last)];
  const singularParts = [...parts, last];
  const variable = camelCase(singularParts.join(" "));
  const tableConst = camelCase(pluralParts.join(" "));
  return {
    model: singularParts.map(capitalize).join(""),
    variable,
    tableConst,
    table: pluralParts.join("_"),
    file: singularParts.join("-"),
    plural: pluralParts.join("-"),
    human: singularParts.join(" "),
    humanPlural: pluralParts.join(" "),
    resourceConst: `${variable}Resource`,
  };
}
