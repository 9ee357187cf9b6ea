import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSISTENCY_HEADER } from "../../../src/nimbus/index.ts";
import { d1Target, migrate } from "../../../src/node/migrate/index.ts";
import { MIGRATIONS, startCluster, type TestCluster } from "./support/cluster.ts";
import { bundleWorker, startWorker, tempDir } from "./support/workerd.ts";

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const temp = tempDir("nimbus-workerd-");
let script: string;

beforeAll(async () => {
  script = await bundleWorker(temp.dir);
});
afterAll(() => temp.remove());

function json(mf: Miniflare, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers[CONSISTENCY_HEADER] = token;
  if (body) headers["Content-Type"] = "application/json";
  return mf.dispatchFetch(`http://nimbus.test${path}`, {
    method,
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

describe("D1 in workerd, through the Sessions API", () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = startWorker({ scriptPath: script, persistTo: `${temp.dir}/d1` });
    await migrate(d1Target(await mf.getD1Database("DB")), MIGRATIONS);
  });
  afterAll(() => mf.dispose());

  it("a write hands back the session's bookmark; reads with it see the write and move forward", async () => {
    const created = await json(mf, "POST", "/links", undefined, {
      title: "D1",
      url: "https://example.com/d1",
    });
    expect(created.status).toBe(201);
    const written = created.headers.get(CONSISTENCY_HEADER) ?? "";
    expect(written).toMatch(BOOKMARK);
    const { data } = (await created.json()) as { data: { id: number } };

    const read = await json(mf, "GET", `/links/${data.id}`, written);
    expect(read.status).toBe(200);
    const after = read.headers.get(CONSISTENCY_HEADER) ?? "";
    expect(after).toMatch(BOOKMARK);
    expect(after >= written).toBe(true);
    expect(read.headers.get("Set-Cookie")).toBeNull();
  });

  it("pages get the bookmark as a cookie; a malformed token is ignored", async () => {
    const page = await mf.dispatchFetch("http://nimbus.test/links", {
      headers: { Accept: "text/html", Cookie: "nimbus_consistency=garbage" },
    });
    expect(page.status).toBe(200);
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith("nimbus_consistency="));
    expect(cookie?.split(";")[0]?.split("=")[1]).toMatch(BOOKMARK);
    expect(cookie).toContain("HttpOnly");
  });
});

describe("libSQL from inside workerd (@libsql/client/web over loopback HTTP)", () => {
  let cluster: TestCluster;
  let mf: Miniflare;
  beforeAll(async () => {
    cluster = await startCluster([60_000]);
    mf = startWorker({
      scriptPath: script,
      persistTo: `${temp.dir}/libsql`,
      vars: {
        DATABASE_URL: cluster.primary.url,
        DATABASE_REPLICA_URLS: cluster.replicas[0]?.server.url ?? "",
      },
    });
  });
  afterAll(async () => {
    await mf.dispose();
    await cluster.cleanup();
  });

  it("DATABASE_URL selects libSQL; the writer reads its write past a stale replica", async () => {
    const created = await json(mf, "POST", "/links", undefined, {
      title: "libSQL in workerd",
      url: "https://example.com/workerd",
    });
    expect(created.status).toBe(201);
    const token = created.headers.get(CONSISTENCY_HEADER) ?? "";
    expect(token).toMatch(/^\d+$/);
    const { data } = (await created.json()) as { data: { id: number } };
    expect((await json(mf, "GET", `/links/${data.id}`, token)).status).toBe(200);
    expect((await json(mf, "GET", `/links/${data.id}`)).status).toBe(404);
  });

  it("serves many requests at once: no request touches another's I/O", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await json(mf, "GET", i % 2 ? "/links" : "/links?sort=title");
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
