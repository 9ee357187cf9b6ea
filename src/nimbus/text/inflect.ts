// One inflector for the framework's messages and the CLI's generators, so a model named Person is
// "people" and "person" everywhere (Rails keeps one for the same reason).

const IRREGULAR: Record<string, string> = {
  person: "people",
  child: "children",
  man: "men",
  woman: "women",
  mouse: "mice",
  foot: "feet",
  tooth: "teeth",
  goose: "geese",
};
const IRREGULAR_PLURAL = Object.fromEntries(Object.entries(IRREGULAR).map(([s, p]) => [p, s]));
/** Same in both numbers. */
const UNCOUNTABLE = new Set(["news", "series", "species", "equipment", "information", "data"]);
/** Singulars ending in "s" whose plural adds "es": status → statuses, bus → buses. */
const S_ENDINGS = /(status|bus|alias|campus|virus|census|address|process|class|boss|glass)$/i;

function keepCase(original: string, replacement: string): string {
  return original.charAt(0) + replacement.slice(1);
}

/** "post" → "posts", "category" → "categories", "box" → "boxes", "person" → "people". */
export function pluralize(word: string): string {
  const lower = word.toLowerCase();
  if (UNCOUNTABLE.has(lower)) return word;
  const irregular = IRREGULAR[lower];
  if (irregular) return keepCase(word, irregular);
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** "posts" → "post", "categories" → "category", "statuses" → "status", "people" → "person". */
export function singularize(word: string): string {
  const lower = word.toLowerCase();
  if (UNCOUNTABLE.has(lower)) return word;
  const irregular = IRREGULAR_PLURAL[lower];
  if (irregular) return keepCase(word, irregular);
  if (/[^aeiou]ies$/i.test(word)) return `${word.slice(0, -3)}y`;
  if (S_ENDINGS.test(word.slice(0, -2)) && /es$/i.test(word)) return word.slice(0, -2);
  if (/(x|z|ch|sh)es$/i.test(word)) return word.slice(0, -2);
  if (/ss$/i.test(word) || S_ENDINGS.test(word)) return word;
  if (/s$/i.test(word)) return word.slice(0, -1);
  return word;
}

/** "blog_post", "blog-post", "blog post" or "blogPost" → ["blog", "post"]. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

export const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export function camelCase(name: string): string {
  const [first = "", ...rest] = words(name);
  return first + rest.map(capitalize).join("");
}

export function snakeCase(name: string): string {
  return words(name).join("_");
}

const ACRONYMS = new Set(["id", "url", "uri", "api", "html", "json", "ip", "css", "sql"]);

/** `linkId` → "Link ID", `created_at` → "Created at", `url` → "URL", "blog posts" → "Blog posts". */
export function humanize(name: string): string {
  const text = words(name)
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(" ");
  return capitalize(text);
}
