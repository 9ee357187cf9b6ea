import { describe, expect, it } from "vitest";
import { modelNames } from "../../src/cli/generate/names.ts";
import {
  addResource,
  addToSchema,
  removeFromSchema,
  removeResource,
} from "../../src/cli/generate/register.ts";

const post = modelNames("Post");
const comment = modelNames("Comment");

const fresh = `import { createApp } from "nimbus-web";

/** The app. */
export const app = createApp().get("/", (c) => c.text("Hello from Nimbus!"));
`;

describe("registering a resource in app.ts", () => {
  it("adds the import and a .resources() call after createApp(), one chained call a line", () => {
    expect(addResource(fresh, post, "ts")).toBe(`import { createApp } from "nimbus-web";
import { postResource } from "./resources/posts.ts";

/** The app. */
export const app = createApp()
  .resources(postResource)
  .get("/", (c) => c.text("Hello from Nimbus!"));
`);
  });

  it("appends to an existing .resources(...) and keeps imports in order", () => {
    const once = addResource(fresh, post, "ts");
    const twice = addResource(once, comment, "ts");
    expect(twice).toContain(
      'import { commentResource } from "./resources/comments.ts";\nimport { postResource }',
    );
    expect(twice).toContain(".resources(postResource, commentResource)");
  });

  it("is idempotent", () => {
    const once = addResource(fresh, post, "ts");
    expect(addResource(once, post, "ts")).toBe(once);
  });

  it("spreads a long list one name a line", () => {
    let text = fresh;
    for (const name of ["Post", "Comment", "Author", "Category", "Subscription", "Notification"]) {
      text = addResource(text, modelNames(name), "ts");
    }
    expect(text).toContain(
      ".resources(\n    postResource,\n    commentResource,\n    authorResource,\n    categoryResource,\n    subscriptionResource,\n    notificationResource,\n  )",
    );
  });

  it("works on the demo's src/app.ts", () => {
    const demo = `import { createApp } from "nimbus-web";
import { commentResource, linkResource } from "./resources/links.tsx";

export const app = createApp()
  .resources(linkResource, commentResource)
  .get("/", (c) => c.redirect("/links"));
`;
    const added = addResource(demo, post, "ts");
    expect(added).toContain(
      'import { commentResource, linkResource } from "./resources/links.tsx";\nimport { postResource } from "./resources/posts.ts";',
    );
    expect(added).toContain(".resources(linkResource, commentResource, postResource)");
    expect(removeResource(added, post)).toBe(demo);
  });

  it("removing the last resource takes the call away", () => {
    const added = addResource(fresh, post, "ts");
    expect(removeResource(added, post)).toBe(`import { createApp } from "nimbus-web";

/** The app. */
export const app = createApp()
  .get("/", (c) => c.text("Hello from Nimbus!"));
`);
  });
});

describe("registering a table in schema.ts", () => {
  const schema = "// Every table of the app, for drizzle-kit.\n";

  it("adds one export line per model, once", () => {
    const once = addToSchema(schema, post);
    expect(once).toBe(`${schema}export { posts } from "./post.ts";\n`);
    expect(addToSchema(once, post)).toBe(once);
    expect(removeFromSchema(once, post)).toBe(schema);
  });
});
