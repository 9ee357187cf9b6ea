import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createApp, model, resource, table, text } from "nimbus-web";
import { describe, expect, it } from "vitest";
import { sizeReport } from "../../src/cli/commands/deploy.ts";
import { routeTable } from "../../src/cli/commands/routes.ts";
import { seededTables } from "../../src/cli/db/seed.ts";
import { readWranglerToml } from "../../src/cli/project.ts";
import { nimbusSpec, packageJson } from "../../src/cli/templates/package-json.ts";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";

describe("readWranglerToml", () => {
  it("reads top-level keys, [vars] and the first D1 database", () => {
    const config = readWranglerToml(`# comment
name = "blog"
main = "src/worker.ts"
compatibility_flags = ["nodejs_compat"]

[vars]
NIMBUS_ENV = "development"

[[d1_databases]]
binding = "DB"
migrations_dir = 'migrations'

[[d1_databases]]
binding = "OTHER"
`);
    expect(config.top).toEqual({ name: "blog", main: "src/worker.ts" });
    expect(config.vars).toEqual({ NIMBUS_ENV: "development" });
    expect(config.d1).toEqual({ binding: "DB", migrations_dir: "migrations" });
  });
});

describe("routeTable", () => {
  it("skips middleware, strips param patterns and marks only a resource's form tunnel", () => {
    const posts = table("posts", { title: text().notNull() });
    const app = createApp({ logRequests: false })
      .resources(
        resource("/posts", model(posts, { fields: ["title"] }), { only: ["index", "update"] }),
      )
      .post("/sessions", (c) => c.text("in"))
      .delete("/sessions", (c) => c.text("out"));
    expect(routeTable(app.routes)).toBe(
      [
        "METHOD  PATH",
        "GET     /posts",
        "PUT     /posts/:id",
        "PATCH   /posts/:id",
        "POST    /posts/:id  (forms: _method=PATCH or DELETE)",
        "POST    /sessions",
        "DELETE  /sessions",
      ].join("\n"),
    );
  });
});

describe("seededTables", () => {
  it("finds the tables a seed file inserts into, in order", () => {
    const sql = `-- a comment: INSERT INTO nothing
INSERT OR IGNORE INTO links (id) VALUES (1);
insert into "comments" (id) values (1);
INSERT INTO links (id) VALUES (2);`;
    expect(seededTables(sql)).toEqual(["links", "comments"]);
  });
});

describe("sizeReport", () => {
  it("compares the gzip size with the Free and Paid limits", () => {
    expect(sizeReport({ raw: 1024 * 1024, gzip: 240 * 1024 })).toBe(
      [
        "Bundle: 1024.0 KiB raw, 240.0 KiB gzip",
        "  Workers Free limit (3 MB gzip):  7.8% of 3 MB",
        "  Workers Paid limit (10 MB gzip): 2.3% of 10 MB",
      ].join("\n"),
    );
    expect(sizeReport({ raw: 0, gzip: 4 * 1024 * 1024 })).toContain("133.3% of 3 MB  OVER");
  });
});

describe("the new app's package.json", () => {
  const nimbus = JSON.parse(readFileSync(join(NIMBUS_ROOT, "package.json"), "utf8"));

  it("names nimbus-web by a version range, never a path, with nimbus-web's own tool ranges", () => {
    const pkg = JSON.parse(packageJson("blog", undefined));
    expect(pkg.dependencies).toEqual({
      "drizzle-orm": nimbus.dependencies["drizzle-orm"],
      hono: nimbus.dependencies.hono,
      "nimbus-web": `^${nimbus.version}`,
    });
    expect(JSON.stringify(pkg)).not.toContain(NIMBUS_ROOT);
    expect(pkg.devDependencies.wrangler).toBe(nimbus.devDependencies.wrangler);
    expect(Object.keys(pkg.devDependencies)).toEqual([
      "@cloudflare/vitest-plugin",
      "@cloudflare/workers-types",
      "@types/node",
      "drizzle-kit",
      "node",
      "typescript",
      "vitest",
      "wrangler",
    ]);
    expect(pkg.scripts).toMatchObject({ start: "nimbus dev", test: "vitest run" });
  });

  it("takes another range, or a packed tarball as an absolute file: spec", () => {
    expect(JSON.parse(packageJson("blog", "^0.1.0")).dependencies["nimbus-web"]).toBe("^0.1.0");
    expect(nimbusSpec("nimbus-web-0.2.0.tgz", "/tmp/x")).toBe("file:/tmp/x/nimbus-web-0.2.0.tgz");
    expect(nimbusSpec("/a/b.tgz")).toBe("file:/a/b.tgz");
  });
});
