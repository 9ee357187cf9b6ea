// Every table of the app, for drizzle-kit to generate migrations from.

export { comments } from "./comment.ts";
export { links } from "./link.ts";
