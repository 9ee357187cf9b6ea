import { UsageError } from "../errors.ts";

const IRREGULAR: Record<string, string> = {
  person: "people",
  child: "children",
  man: "men",
  woman: "women",
};

/** "post" → "posts", "category" → "categories", "box" → "boxes". */
export function pluralize(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular) return word.slice(0, 1) + irregular.slice(1);
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** "blog_post", "blog-post" or "blogPost" → ["blog", "post"]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function camelCase(name: string): string {
  const [first = "", ...rest] = words(name);
  return first + rest.map(capitalize).join("");
}

export function snakeCase(name: string): string {
  return words(name).join("_");
}

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

/** "linkId" → "Link id", as the framework's `humanize` labels form fields. */
export function humanize(name: string): string {
  const text = words(name).join(" ");
  return capitalize(text);
}
