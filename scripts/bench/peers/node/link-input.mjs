// The demo's validation for a new link, with zod as an Express or Hono user would write it.
import { z } from "zod";

export const LinkInput = z.strictObject({
  title: z.string().trim().min(1).max(120),
  url: z
    .string()
    .trim()
    .min(1)
    .url({ protocol: /^https?$/ })
    .max(2048),
  description: z.string().max(1000).nullish(),
});

/** zod issues → { field: [messages] }, the shape of the demo's 422 body. */
export function fieldErrors(error) {
  const errors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "base");
    errors[field] = [...(errors[field] ?? []), issue.message];
  }
  return errors;
}

export function unprocessable(errors) {
  return { title: "Unprocessable Content", status: 422, errors };
}
