// Every table of the app, for drizzle-kit to generate migrations from.
export { links } from "./link.ts";
export { comments } from "./comment.ts";
