/**
 * `nimbus build`'s pieces end to end: the demo bundled by wrangler, a generated workerd config,
 * plain `workerd serve` on it against the local libSQL server: pages, creates, the health check
 * and the token-guarded load report all work.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { bundleApp } from "../../src/node/cluster/app-bundle.ts";
import { describeNode, writeNodeConfig } from "../../src/node/cluster/describe-node.ts";
import { workerdBinary } from "../../src/node/cluster/workerd-binary.ts";
import { startLibsqlServer } from "../../src/node/libsql-server/index.ts";
import { migrate, openLibsql } from "../../src/node/migrate/index.ts";
import { freePort, until200 } from "./support/ports.ts";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "nimbus-build-"));
let workerd: ChildProcess | undefined;
let closeDb: (() => Promise<void>) | undefined;

afterAll(async () => {
  workerd?.kill("SIGKILL");
  await closeDb?.();
  rmSync(dir, { recursive: true, force: true });
});

it("serves the demo from a generated config with plain workerd serve", async () => {
  const db = await startLibsqlServer({ file: join(dir, "db", "app.db") });
  closeDb = db.close;
  const target = await openLibsql(db.url);
  await migrate(target.target, join(ROOT, "migrations"));
  await target.close();

  const app = await bundleApp(ROOT, join(dir, "bundle"));
  expect(app.modules[0]?.name).toBe("worker.js");
  const port = await freePort();
  const node = describeNode(app, {
    name: "node-a",
    address: `127.0.0.1:${port}`,
    storageDir: join(dir, "storage"),
    env: { DATABASE_URL: db.url },
    trustedProxies: ["127.0.0.1"],
  });
  const file = writeNodeConfig(node, join(dir, "node-a.capnp"));
  const config = readFileSync(file, "utf8");
  expect(config).toContain(`(name = "DATABASE_URL", text = "${db.url}")`);
  expect(config).toContain('(name = "SESSION_SECRET", fromEnvironment = "SESSION_SECRET")');
  expect(config).toContain('(name = "NIMBUS_TRUSTED_PROXIES", text = "127.0.0.1")');
  expect(config).toContain("localDisk");

  workerd = spawn(workerdBinary(ROOT), ["serve", file], {
    env: {
      ...process.env,
      NIMBUS_NODE_TOKEN: "t0ken",
      SESSION_SECRET: "build-test-session-secret-0123456789",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  workerd.stdout?.on("data", (chunk) => (log += chunk));
  workerd.stderr?.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  await until200(`${url}/__nimbus/health`);

  const created = await fetch(`${url}/links`, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ title: "Built", url: "https://example.com/built" }),
  });
  expect(created.status, log).toBe(201);
  expect(created.headers.get("x-nimbus-node")).toBe("node-a");
  const page = await fetch(`${url}/links`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("Built");

  expect((await fetch(`${url}/__nimbus/load`)).status).toBe(404);
  const load = await fetch(`${url}/__nimbus/load`, { headers: { "x-nimbus-node-token": "t0ken" } });
  expect(load.status).toBe(200);
  const report = (await load.json()) as { inFlight: number; requests: number; errors: number };
  expect(report).toMatchObject({ inFlight: 0, errors: 0 });
  expect(report.requests).toBeGreaterThanOrEqual(2);
});
