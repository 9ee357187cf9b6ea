// The demo's rules for a new link, checked by hand: the floor has no validation library to load.
const FIELDS = new Set(["title", "url", "description"]);

function urlError(text) {
  if (typeof text !== "string" || text.trim() === "") return "can't be blank";
  const trimmed = text.trim();
  if (trimmed.length > 2048) return "is too long";
  try {
    const { protocol } = new URL(trimmed);
    return protocol === "http:" || protocol === "https:" ? null : "must be an http(s) URL";
  } catch {
    return "must be an http(s) URL";
  }
}

/** { input } when valid, else { errors: { field: [message] } }. */
export function checkLinkInput(body) {
  const errors = {};
  const add = (field, message) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { errors: { base: ["must be a JSON object"] } };
  }
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) add(key, "is not a writable field");
  const { title, url, description } = body;
  if (typeof title !== "string" || title.trim() === "") add("title", "can't be blank");
  else if (title.trim().length > 120) add("title", "is too long");
  const badUrl = urlError(url);
  if (badUrl) add("url", badUrl);
  if (description != null && (typeof description !== "string" || description.length > 1000)) {
    add("description", "must be text of at most 1000 characters");
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { title: title.trim(), url: url.trim(), description: description ?? null } };
}
