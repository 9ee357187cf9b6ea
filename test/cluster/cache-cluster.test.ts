/**
 * nimbus/cache on a 2-node cluster (`nimbus cluster up`): the nodes share invalidations (tag
 * versions on the coordination host), not entries. A write on one node reaches the other's next
 * reads within its versionsMaxAgeMs (1 s); the writer's own next read there is fresh at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "nimbus-web/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { stopGroup } from "../../src/node/cluster/local/processes.ts";
import { readState } from "../../src/node/cluster/local/state.ts";
import { nimbus } from "./support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "nimbus-cache-cluster-"));
const cluster = ["--dir", dir];
let a: string;
let b: string;

beforeAll(async () => {
  await nimbus(["cluster", "up", "--nodes", "2", ...cluster]);
  const nodes = readState(dir)?.nodes ?? [];
  [a, b] = nodes.map((n) => `http://${n.host}:${n.port}`) as [string, string];
}, 120_000);

afterAll(async () => {
  await nimbus(["cluster", "down", ...cluster]).catch(() => "");
  const state = readState(dir);
  if (state)
    for (const p of [...state.nodes, ...state.gateways, ...state.services, state.database])
      await stopGroup(p.pid, "SIGKILL", 0);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const json = { Accept: "application/json" };
const list = async (node: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${node}/links.json?per_page=50`, { headers: { ...json, ...headers } });
  return { status: res.headers.get("nimbus-cache"), body: await res.text() };
};

it("a write on one node invalidates the other's cached list; the writer's next read there is fresh at once", async () => {
  await list(b);
  expect((await list(b)).status).toBe("hit");

  const title = `Cluster cache ${Date.now()}`;
  const created = await fetch(`${a}/links.json`, {
    method: "POST",
    headers: { ...json, "Content-Type": "application/json" },
    body: JSON.stringify({
      title,
      url: `https://example.com/${title.replace(/ /g, "-")}`,
      description: "x",
    }),
  });
  expect(created.status).toBe(201);
  const token = created.headers.get("nimbus-consistency") ?? "";
  expect(token).not.toBe("");

  // The writer, carrying its token, is never served the older copy on the other node.
  expect((await list(b, { "Nimbus-Consistency": token })).body).toContain(title);
  // Everyone else there sees it once node b re-reads the tag versions (within 1 s).
  await eventually(async () => ((await list(b)).body.includes(title) ? true : undefined), 5000);
  const { id } = ((await created.json()) as { data: { id: number } }).data;
  const show = async (node: string) =>
    (await fetch(`${node}/links/${id}.json`, { headers: json })).text();
  expect(await show(b)).toContain(title);
  await show(b);

  const renamed = await fetch(`${b}/links/${id}.json`, {
    method: "PATCH",
    headers: { ...json, "Content-Type": "application/json" },
    body: JSON.stringify({ title: `${title} renamed` }),
  });
  expect(renamed.status).toBe(200);
  await eventually(async () => ((await show(a)).includes("renamed") ? true : undefined), 5000);
}, 60_000);
