import { createApp } from "nimbus";
import { commentResource, linkResource } from "./resources/links.tsx";

/** The demo: a link board with comments, as pages and as a JSON API. */
export const app = createApp({ name: "Nimbus Links" })
  .resources(linkResource, commentResource)
  .get("/", (c) => c.redirect("/links"))
  .get("/hello", (c) => c.text("Hello from Nimbus!"));
