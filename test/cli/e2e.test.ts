/**
 * The acceptance test of the package and its CLI, as a user gets them, with this checkout out of
 * reach: `npm pack` → the tarball installed in an empty folder → its `nimbus-web new blog` on the
 * machine's own Node → the app installed (nimbus-web from the tarball, the rest from the registry)
 * → generate scaffold → generate authentication → generate scaffold --owner → the app's own dev
 * server over HTTP (HTML and JSON: create, a validation error, list, edit, delete; sign up, sign
 * out, sign in; an owned record edited by its owner and refused to another user) → the app's own
 * npm test and tsc → routes, deploy --dry-run, db, console.
 * It measures the seconds from `nimbus new` to the first successful create.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readManifest } from "../../src/cli/generate/manifest.ts";
import { appFile, schemaFile } from "../../src/cli/templates/source.ts";
import { NIMBUS_ROOT } from "../../src/cli/tools.ts";
import { freePort } from "../../src/node/free-port.ts";
import { FormBrowser } from "../chaos/support/browser.ts";

const SCAFFOLD = ["generate", "scaffold", "Post", "title:string", "body:text", "published:boolean"];
// Records that belong to the signed-in user: only the owner edits them.
const OWNED = ["generate", "scaffold", "Note", "title:string:required", "--owner"];
// No colours: the test reads the app's test summary.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", NO_COLOR: "1" };

const temp = mkdtempSync(join(tmpdir(), "nimbus-e2e-"));
const app = join(temp, "blog");

/** The machine's own Node (not the Node 22 npm scripts bring): the published bin must start on it. */
function machineNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const node = join(dir, "node");
    if (existsSync(node)) return node;
  }
  return process.execPath;
}

/**
 * `npm pack` of nimbus-web (its prepack builds dist/) and of create-nimbus, both installed in an
 * empty folder, as `npm create nimbus` would fetch them from the registry.
 */
async function installPackedNimbus(): Promise<{ tarball: string; create: string }> {
  const pack = async (dir: string) => {
    const out = await run("npm", ["pack", "--json", "--pack-destination", temp], dir, 300_000);
    const [{ filename }] = JSON.parse(out.slice(out.indexOf("["))) as [{ filename: string }];
    return join(temp, filename);
  };
  const tarball = await pack(NIMBUS_ROOT);
  const createTarball = await pack(join(NIMBUS_ROOT, "src", "create-nimbus"));
  const tools = join(temp, "tools");
  mkdirSync(tools);
  writeFileSync(join(tools, "package.json"), '{ "name": "tools", "private": true }\n');
  const install = [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    tarball,
    createTarball,
  ];
  await run("npm", install, tools, 400_000);
  return { tarball, create: join(tools, "node_modules", ".bin", "create-nimbus") };
}
let server: ChildProcess | undefined;

/** Runs a command to its end; fails with its output if it exits non-zero or outlives `timeoutMs`. */
function run(
  file: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      env,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    child.stdin?.end(input);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${file} ${args.join(" ")} exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}

async function waitForServer(base: string, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/posts.json`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nimbus dev did not answer within ${timeoutMs} ms:\n${log().slice(-4000)}`);
}

/** Stops `nimbus dev` and everything in its process group (wrangler, workerd), by pid. */
async function stopServer(): Promise<void> {
  const pid = server?.pid;
  if (!server || pid === undefined) return;
  const exited = new Promise((resolve) => server?.once("exit", resolve));
  if (server.exitCode === null) process.kill(-pid, "SIGINT");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 40 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 250));
  const leftover = alive();
  if (leftover) process.kill(-pid, "SIGKILL");
  server = undefined;
  expect(leftover, "processes of nimbus dev outlived it").toBe(false);
}

function api(base: string, path: string, method = "GET", body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const lines = (path: string) => readFileSync(join(app, path), "utf8").trimEnd().split("\n").length;

afterAll(async () => {
  await stopServer();
  rmSync(temp, { recursive: true, force: true });
}, 120_000);

describe("from an empty folder to a working resource", () => {
  it("new, generate scaffold, dev server over HTTP in HTML and JSON, the app's own tests", {
    timeout: 900_000,
  }, async () => {
    const started = performance.now();
    const seconds = () => Number(((performance.now() - started) / 1000).toFixed(1));
    const timings: Record<string, number> = {};

    const { tarball, create } = await installPackedNimbus();
    timings.packAndInstallNimbus = seconds();
    const node = machineNode();
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    // `npm create nimbus@latest blog` runs create-nimbus, which runs `nimbus-web new`.
    await run(node, [create, "blog", "--skip-install", "--nimbus-version", tarball], temp, 60_000);
    const manifest = readFileSync(join(app, "package.json"), "utf8");
    expect(manifest).not.toContain(NIMBUS_ROOT.replace(/\/$/, ""));
    expect(JSON.parse(manifest).dependencies["nimbus-web"]).toBe(`file:${tarball}`);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], app, 400_000);
    timings.newWithInstall = seconds();
    const nimbus = join(app, "node_modules", ".bin", "nimbus");
    await run(process.execPath, [nimbus, ...SCAFFOLD], app, 120_000);
    timings.scaffold = seconds();
    // What the scaffold wrote, counted before authentication adds to app.ts and models/schema.ts.
    const scaffoldCode = Object.keys(readManifest(app).files).filter(
      (path) => !path.endsWith(".json"),
    );
    const linesWrittenByScaffold =
      scaffoldCode.reduce((sum, path) => sum + lines(path), 0) +
      lines("src/app.ts") -
      appFile().trimEnd().split("\n").length +
      lines("src/models/schema.ts") -
      schemaFile().trimEnd().split("\n").length;
    const wired = ["src/app.ts", "src/worker.ts", "src/models/schema.ts", "wrangler.toml"];
    const linesBefore = wired.reduce((sum, path) => sum + lines(path), 0);
    await run(process.execPath, [nimbus, "generate", "authentication"], app, 120_000);
    timings.authentication = seconds();
    const authFiles = Object.entries(readManifest(app).files)
      .filter(([path, entry]) => entry.owner === "Authentication" && !path.endsWith(".json"))
      .map(([path]) => path);
    const linesWrittenByAuthentication =
      authFiles.reduce((sum, path) => sum + lines(path), 0) +
      wired.reduce((sum, path) => sum + lines(path), 0) -
      linesBefore;
    await run(process.execPath, [nimbus, ...OWNED], app, 120_000);
    timings.ownedScaffold = seconds();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let log = "";
    server = spawn(process.execPath, [nimbus, "dev", "--port", String(port), "--ip", "127.0.0.1"], {
      cwd: app,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (chunk: Buffer) => {
      log += chunk;
    });
    server.stderr?.on("data", (chunk: Buffer) => {
      log += chunk;
    });
    await waitForServer(base, () => log, 120_000);
    timings.serverReady = seconds();

    // JSON: create, a validation error, list, edit, delete.
    const created = await api(base, "/posts", "POST", {
      title: "Hello",
      body: "First post",
      published: true,
    });
    expect(created.status).toBe(201);
    timings.firstCreate = seconds();
    const { data: post } = (await created.json()) as { data: { id: number } };
    const invalid = await api(base, "/posts", "POST", { title: "x".repeat(256) });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("Content-Type")).toContain("application/problem+json");
    expect(await invalid.json()).toMatchObject({
      errors: { title: [expect.stringContaining("255")] },
    });
    const list = (await (await api(base, "/posts.json")).json()) as { data: { id: number }[] };
    expect(list.data.map((row) => row.id)).toContain(post.id);
    const edited = await api(base, `/posts/${post.id}.json`, "PATCH", { title: "Hello again" });
    expect(await edited.json()).toMatchObject({ data: { id: post.id, title: "Hello again" } });
    expect((await api(base, `/posts/${post.id}`, "DELETE")).status).toBe(204);
    expect((await api(base, `/posts/${post.id}.json`)).status).toBe(404);

    // HTML: the same through the forms, with the session cookie and the CSRF token.
    const browser = new FormBrowser(base);
    const _csrf = await browser.csrfFrom("/posts/new");
    const form = await browser.submit("/posts", {
      _csrf,
      title: "From a form",
      body: "Typed",
      published: "true",
    });
    expect(form.status).toBe(303);
    const location = form.headers.get("Location") ?? "";
    expect(location).toMatch(/^\/posts\/\d+$/);
    const shown = await (await browser.request(location)).text();
    expect(shown).toContain("Post was created.");
    expect(shown).toContain("From a form");
    const refused = await browser.submit("/posts", { _csrf, title: "x".repeat(256), body: "kept" });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain("Title must be at most 255 characters");
    expect(refusedHtml).toContain("kept");
    const index = await (await browser.request("/posts")).text();
    expect(index).toContain(`href="${location}"`);
    expect(await (await browser.request(`${location}/edit`)).text()).toContain(
      'name="_method" value="PATCH"',
    );
    const update = await browser.submit(location, {
      _csrf,
      _method: "PATCH",
      title: "Edited in a form",
    });
    expect(update.status).toBe(303);
    expect(await (await browser.request(location)).text()).toContain("Edited in a form");
    const removal = await browser.submit(location, { _csrf, _method: "DELETE" });
    expect(removal.status).toBe(303);
    expect(removal.headers.get("Location")).toBe("/posts");
    expect((await browser.request(location)).status).toBe(404);

    // Accounts over HTTP: sign up, the account page, sign out, sign in with ?next=.
    const ada = new FormBrowser(base);
    const email = "ada@example.com";
    const password = "correct horse battery";
    const signUp = await ada.submit("/registration", {
      _csrf: await ada.csrfFrom("/registration/new"),
      email,
      password,
    });
    expect(signUp.status).toBe(303);
    expect(await (await ada.request("/account")).text()).toContain(`Signed in as ${email}`);
    const signOut = await ada.submit("/session", {
      _csrf: await ada.csrfFrom("/account"),
      _method: "DELETE",
    });
    expect(signOut.status).toBe(303);
    const away = await ada.request("/account");
    expect(away.status).toBe(303);
    expect(away.headers.get("Location")).toBe("/session/new?next=%2Faccount");
    const signIn = await ada.submit("/session", {
      _csrf: await ada.csrfFrom("/session/new?next=%2Faccount"),
      email,
      password,
      next: "/account",
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get("Location")).toBe("/account");
    expect((await ada.request("/account")).status).toBe(200);

    // An owned record: Ada's note, which Bo (another account) may read but not change.
    const note = await ada.submit("/notes", {
      _csrf: await ada.csrfFrom("/notes/new"),
      title: "Ada's note",
    });
    expect(note.status).toBe(303);
    const notePath = note.headers.get("Location") ?? "";
    expect(notePath).toMatch(/^\/notes\/\d+$/);
    const bo = new FormBrowser(base);
    await bo.submit("/registration", {
      _csrf: await bo.csrfFrom("/registration/new"),
      email: "bo@example.com",
      password,
    });
    expect(await (await bo.request(notePath)).text()).toContain("Ada&#39;s note");
    const boCsrf = await bo.csrfFrom("/notes/new");
    const refusedEdit = await bo.submit(notePath, {
      _csrf: boCsrf,
      _method: "PATCH",
      title: "Bo's",
    });
    expect(refusedEdit.status).toBe(403);
    const refusedDelete = await bo.submit(notePath, { _csrf: boCsrf, _method: "DELETE" });
    expect(refusedDelete.status).toBe(403);
    const signedOut = await new FormBrowser(base).request("/notes/new");
    expect(signedOut.status).toBe(303);
    const adaEdit = await ada.submit(notePath, {
      _csrf: await ada.csrfFrom(`${notePath}/edit`),
      _method: "PATCH",
      title: "Ada's note, edited",
    });
    expect(adaEdit.status).toBe(303);
    expect(await (await ada.request(notePath)).text()).toContain("Ada&#39;s note, edited");
    timings.accountsOverHttp = seconds();

    await stopServer();

    // The app's own checks: its generated tests inside workerd, and TypeScript.
    const tests = await run("npm", ["test"], app, 300_000);
    expect(tests).toMatch(/Tests\s+\S*\s*\d+ passed/);
    await run(
      process.execPath,
      [join(app, "node_modules", ".bin", "tsc"), "-p", "."],
      app,
      120_000,
    );
    timings.appTestsAndTsc = seconds();

    // The other commands, in the app: its routes, its bundle against the limits, its database.
    const routes = await run(process.execPath, [nimbus, "routes"], app, 60_000);
    expect(routes).toMatch(/^DELETE\s+\/posts\/:id$/m);
    const bundle = await run(process.execPath, [nimbus, "deploy", "--dry-run"], app, 120_000);
    expect(bundle).toMatch(/Workers Free limit \(3 MB gzip\): +\d+\.\d% of 3 MB\n/);
    const rows = await run(
      process.execPath,
      [nimbus, "db", "sql", "SELECT title FROM posts"],
      app,
      60_000,
    );
    expect(rows).toContain("(no rows)");
    const repl = await run(
      process.execPath,
      [nimbus, "console"],
      app,
      60_000,
      "await db.select().from(posts)\n",
    );
    expect(repl).toMatch(/Bound: db, env, (\w+, )*Post, (\w+, )*User,/);
    expect(repl).toContain("nimbus> []");

    // What the two commands wrote, against what a user typed (the commands only).
    const fromNew = [
      "package.json",
      "tsconfig.json",
      "wrangler.toml",
      "vitest.config.ts",
      ".gitignore",
      "README.md",
      "src/app.ts",
      "src/worker.ts",
      "src/seed.sql",
      "test/setup.ts",
      "test/app.test.ts",
      "test/support/browser.ts",
    ];
    const figures = {
      command: `npm create nimbus blog && nimbus ${SCAFFOLD.join(" ")} && nimbus generate authentication && nimbus ${OWNED.join(" ")} && nimbus dev`,
      machineNode: version,
      commands: 5,
      secondsFromNewToFirstCreate: timings.firstCreate,
      timings,
      linesWrittenByNew: fromNew.reduce((sum, path) => sum + lines(path), 0),
      // Its files, and the lines it added to app.ts and models/schema.ts.
      linesWrittenByScaffold,
      scaffoldFiles: scaffoldCode,
      // Its files, and the lines it added to app.ts, worker.ts, models/schema.ts and wrangler.toml.
      linesWrittenByAuthentication,
      authenticationFiles: authFiles,
      linesUserWrote: 0,
    };
    mkdirSync(join(NIMBUS_ROOT, "test", "artifacts"), { recursive: true });
    writeFileSync(
      join(NIMBUS_ROOT, "test", "artifacts", "cli-e2e.json"),
      `${JSON.stringify(figures, null, 2)}\n`,
    );
    console.log(JSON.stringify(figures, null, 2));
  });
});
