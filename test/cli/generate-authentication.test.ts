import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CliError } from "../../src/cli/errors.ts";
import { generateAuthentication } from "../../src/cli/generate/authentication/generator.ts";
import { wireApp, wireWorker, wireWrangler } from "../../src/cli/generate/authentication/wiring.ts";
import { generate } from "../../src/cli/generate/generator.ts";
import { readManifest } from "../../src/cli/generate/manifest.ts";
import { modelNames } from "../../src/cli/generate/names.ts";
import { addResource } from "../../src/cli/generate/register.ts";
import { type Project, projectAt } from "../../src/cli/project.ts";
import { wranglerToml } from "../../src/cli/templates/config.ts";
import { appFile, workerFile } from "../../src/cli/templates/source.ts";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";
import { runTool, writeIn, writeTestApp } from "../support/test-app.ts";

// Under test/artifacts (ignored by git, tsc and biome), so node_modules resolve from the checkout.
const ARTIFACTS = join(NIMBUS_ROOT, "test", "artifacts");
const options = { force: false, skip: false };
let root: string;
let project: Project;

const write = (path: string, content: string) => writeIn(root, path, content);

const read = (path: string) => readFileSync(join(root, path), "utf8");

/** A tool of the checkout, run on this Node in the test app. */
const run = (tool: string, args: string[]) => runTool(root, tool, args, 60_000);

beforeAll(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  root = mkdtempSync(join(ARTIFACTS, "cli-authentication-"));
  writeTestApp(root, "auth");
  project = projectAt(root);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterAll(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

describe("wiring accounts into an app's own files", () => {
  it("passes the options to createApp() and mounts the routes, once", () => {
    const wired = wireApp(appFile());
    expect(wired.manual).toEqual([]);
    expect(wired.text).toContain('import { accounts } from "./accounts/routes.ts";');
    expect(wired.text).toContain("export const app = createApp(withAccounts).get(");
    expect(wired.text.trimEnd().endsWith('app.route("/", accounts);')).toBe(true);
    expect(wireApp(wired.text).text).toBe(wired.text);
  });

  it("asks for a hand edit where createApp already takes options", () => {
    const custom =
      'import { createApp } from "nimbus-web";\n\nexport const app = createApp({ name: "Blog" });\n';
    const wired = wireApp(custom);
    expect(wired.manual).toEqual([expect.stringContaining("createApp({ ...withAccounts")]);
    expect(wired.text).toContain('app.route("/", accounts);');
  });

  it("binds nimbus/coord in worker.ts and wrangler.toml unless it is there", () => {
    const worker = wireWorker(workerFile()).text;
    expect(worker).toContain('export { NimbusCoordinator, NimbusRoom } from "nimbus-web/coord";');
    expect(wireWorker(worker).text).toBe(worker);
    const toml = wireWrangler(wranglerToml("blog")).text;
    expect(toml).toContain('name = "NIMBUS_COORDINATOR"');
    expect(toml).toContain('new_sqlite_classes = ["NimbusCoordinator", "NimbusRoom"]');
    expect(wireWrangler(toml).text).toBe(toml);
  });
});

describe("generate authentication in an app", () => {
  it("writes models, one migration, pages, views and tests, and wires them", {
    timeout: 60_000,
  }, async () => {
    await generateAuthentication(project, options);
    const sql = readdirSync(join(root, "migrations")).filter((file) => file.endsWith(".sql"));
    expect(sql).toEqual(["0000_create_accounts.sql"]);
    const migration = read(`migrations/${sql[0]}`);
    expect(migration).toContain("CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`)");
    expect(migration).toContain("`password_hash` text NOT NULL");
    expect(migration).toContain("CREATE TABLE `api_tokens`");
    expect(migration).toContain("CREATE TABLE `password_resets`");
    expect(migration).toContain("CREATE TABLE `email_verifications`");
    expect(read("src/models/schema.ts")).toContain('export { users } from "./user.ts";');
    expect(read("src/app.ts")).toContain("createApp(withAccounts)");
    expect(read("src/worker.ts")).toContain("NimbusCoordinator");
    expect(read("wrangler.toml")).toContain("NIMBUS_COORDINATOR");
    const manifest = readManifest(root);
    expect(manifest.files["src/accounts/routes.ts"]).toMatchObject({ owner: "Authentication" });
    expect(manifest.files["test/accounts.test.ts"]).toMatchObject({ piece: "test" });
    expect(manifest.models.User?.fields).toContain("email:string:required:unique");
    // The pages the issue names, at the paths requireUser() and the mails point to.
    const routes = read("src/accounts/routes.ts");
    for (const route of [
      '.post("/registration", signUp)',
      '.get("/session/new", signInPage)',
      '.delete("/session", destroySession)',
      '.post("/password/reset", requestPasswordReset)',
      '.post("/password/reset/:token", resetPassword)',
      '.get("/email/verify/:token", verifyEmail)',
      '.post("/account/tokens", createToken)',
      '.get("/dev/outbox", devOutbox)',
    ])
      expect(routes).toContain(route);
  });

  it("re-running changes nothing; an edited page stops it before it writes", {
    timeout: 60_000,
  }, async () => {
    const before = read("src/app.ts");
    await generateAuthentication(project, options);
    expect(read("src/app.ts")).toBe(before);
    expect(readdirSync(join(root, "migrations")).filter((f) => f.endsWith(".sql"))).toHaveLength(1);
    write("src/views/accounts/sign-in.tsx", "// mine\n");
    await expect(generateAuthentication(project, options)).rejects.toThrow(CliError);
    expect(read("src/views/accounts/sign-in.tsx")).toBe("// mine\n");
    await generateAuthentication(project, { force: true, skip: false });
    expect(read("src/views/accounts/sign-in.tsx")).toContain("export function SignIn");
  });

  it("scaffolds a resource --owner: a userId column outside the fields, the rule, tests that sign in", {
    timeout: 60_000,
  }, async () => {
    await generate(project, "scaffold", "Note", ["title:string:required"], {
      ...options,
      owner: true,
    });
    const model = read("src/models/note.ts");
    expect(model).toContain('.references(() => users.id, { onDelete: "cascade" })');
    expect(model).toContain('fields: ["title"]');
    expect(read("src/resources/notes.ts")).toContain('owner: "userId",');
    const test = read("test/notes.test.ts");
    expect(test).toContain("const browser = await signedInBrowser(await createTestUser());");
    expect(test).toContain(
      "expect((await otherApi(`/notes/$" + '{data.id}`, "DELETE")).status).toBe(403);',
    );
    expect(readManifest(root).models.Note).toMatchObject({ owner: "userId" });
    // A later generator of the model keeps it owned.
    await generate(project, "scaffold", "Note", ["title:string:required", "body:text"], options);
    expect(read("src/resources/notes.ts")).toContain('owner: "userId",');
  });

  it("refuses --owner in an app without accounts, writing nothing", async () => {
    const bare = mkdtempSync(join(ARTIFACTS, "cli-owner-"));
    try {
      writeFileSync(join(bare, "package.json"), "{}");
      writeFileSync(join(bare, "wrangler.toml"), wranglerToml("bare"));
      const attempt = generate(projectAt(bare), "scaffold", "Note", ["title:string"], {
        ...options,
        owner: true,
      });
      await expect(attempt).rejects.toThrow(/--owner needs the app's accounts/);
      expect(readdirSync(bare).sort()).toEqual(["package.json", "wrangler.toml"]);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("writes files formatted and linted as biome wants, scaffolds registering beside it", {
    timeout: 60_000,
  }, async () => {
    // Type-checking the app and running its tests inside workerd: test/cli/e2e.test.ts does both.
    const withTags = addResource(read("src/app.ts"), modelNames("Tag"), "ts");
    expect(withTags).toContain(
      "createApp(withAccounts)\n  .resources(noteResource, tagResource)\n  .get(",
    );
    writeFileSync(
      join(root, "biome.json"),
      readFileSync(join(NIMBUS_ROOT, "biome.json"), "utf8").replace(/"files":[^}]*},/s, ""),
    );
    write("src/app.ts", withTags);
    const biome = run("biome", ["check", "--config-path", root, "src", "test"]);
    expect(biome.status, biome.output).toBe(0);
  });
});
