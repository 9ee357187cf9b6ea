import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLibsqlServer } from "../../../src/node/libsql-server/index.ts";
import {
  d1Target,
  libsqlTarget,
  type MigrationTarget,
  migrate,
  migrationStatus,
  openLocalD1,
} from "../../../src/node/migrate/index.ts";
import { BROKEN, FIRST, SCHEMA, writeMigrations } from "./support/migrations.ts";
import { tempDir } from "./support/workerd.ts";

const temp = tempDir("nimbus-migrate-");
afterAll(() => temp.remove());

/** The same story on each engine: apply, no-op, a failing migration, a table rebuild. */
function migratorStory(
  name: string,
  open: () => Promise<{
    target: MigrationTarget;
    exec(sql: string): Promise<void>;
    close(): Promise<void>;
  }>,
) {
  describe(name, () => {
    let target: MigrationTarget;
    let exec: (sql: string) => Promise<void>;
    let close: () => Promise<void>;
    const folder = join(temp.dir, name.replace(/\W/g, "-"));
    beforeAll(async () => {
      ({ target, exec, close } = await open());
    });
    afterAll(() => close());

    it("applies pending files in order, once; a second run is a no-op", async () => {
      writeMigrations(folder, ["0001_tags.sql"]);
      expect(await migrationStatus(target, folder)).toMatchObject({
        applied: [],
        pending: [FIRST, "0001_tags.sql"],
      });
      expect(await migrate(target, folder)).toEqual([FIRST, "0001_tags.sql"]);
      expect(await migrate(target, folder)).toEqual([]);
      const status = await migrationStatus(target, folder);
      expect(status.applied.map((m) => m.name)).toEqual([FIRST, "0001_tags.sql"]);
      expect(status.pending).toEqual([]);
    });

    it("a failing migration leaves the schema and the record as they were", async () => {
      const before = await target.query(SCHEMA);
      writeMigrations(folder, ["0001_tags.sql", BROKEN.name]);
      await expect(migrate(target, folder)).rejects.toThrow(/Migration 0003_broken\.sql failed/);
      expect(await target.query(SCHEMA)).toEqual(before);
      expect((await migrationStatus(target, folder)).pending).toEqual([BROKEN.name]);
    });

    it("drizzle-kit's table rebuild keeps the rows, and the rows that point at them", async () => {
      await exec(
        "INSERT INTO links (id, created_at, updated_at, title, url) VALUES (1, 0, 0, 'kept', 'https://example.com/kept')",
      );
      await exec(
        "INSERT INTO comments (created_at, updated_at, link_id, author, body) VALUES (0, 0, 1, 'ann', 'still here')",
      );
      rmSync(join(folder, BROKEN.name));
      writeMigrations(folder, ["0001_tags.sql", "0002_rebuild_links.sql"]);
      expect(await migrate(target, folder)).toEqual(["0002_rebuild_links.sql"]);
      expect(await target.query("SELECT title, description FROM links")).toEqual([
        { title: "kept", description: "" },
      ]);
      expect(await target.query("SELECT body FROM comments")).toEqual([{ body: "still here" }]);
    });
  });
}

migratorStory("libSQL (local server)", async () => {
  const server = await startLibsqlServer({ file: join(temp.dir, "libsql.db") });
  const client = createClient({ url: server.url });
  return {
    target: libsqlTarget(client),
    exec: async (sql) => void (await client.execute(sql)),
    close: async () => {
      client.close();
      await server.close();
    },
  };
});

migratorStory("D1 (Miniflare)", async () => {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: "export default { fetch: () => new Response() }",
      compatibilityDate: "2026-11-01",
      d1Databases: ["DB"],
    }),
  );
  const database = await mf.getD1Database("DB");
  return {
    target: d1Target(database),
    exec: async (sql) => void (await database.prepare(sql).run()),
    close: () => mf.dispose(),
  };
});

it("shares d1_migrations with `wrangler d1 migrations apply --local`", async () => {
  const project = join(temp.dir, "wrangler-project");
  const migrations = writeMigrations(join(project, "migrations"), []);
  writeFileSync(
    join(project, "wrangler.toml"),
    'name = "t"\ncompatibility_date = "2026-11-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "t"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\nmigrations_dir = "migrations"\n',
  );
  const wrangler = join(import.meta.dirname, "../../../node_modules/wrangler/bin/wrangler.js");
  await promisify(execFile)(
    process.execPath,
    [wrangler, "d1", "migrations", "apply", "DB", "--local"],
    {
      cwd: project,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      timeout: 60_000,
    },
  );
  writeMigrations(migrations, ["0001_tags.sql"]);
  const { target, close } = await openLocalD1({ configPath: join(project, "wrangler.toml") });
  try {
    expect(await migrationStatus(target, migrations)).toMatchObject({
      applied: [{ name: FIRST }],
      pending: ["0001_tags.sql"],
    });
    expect(await migrate(target, migrations)).toEqual(["0001_tags.sql"]);
    const rows = await target.query("SELECT id, name, applied_at FROM d1_migrations ORDER BY id");
    expect(rows).toMatchObject([
      { id: 1, name: FIRST, applied_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
      { id: 2, name: "0001_tags.sql", applied_at: expect.stringMatching(/^\d{4}-/) },
    ]);
  } finally {
    await close();
  }
}, 40_000);
