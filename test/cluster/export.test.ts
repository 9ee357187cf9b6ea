/**
 * `nimbus cluster export` on the demo app and the example plan: every machine gets its files at
 * the paths they take on it; HAProxy and keepalived accept their configs (haproxy -c,
 * keepalived -t); node configs name the gateways as the only trusted proxies and embed a bundle
 * that is there; units run the right commands.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExportedMachine, exportCluster } from "../../src/node/cluster/export/export.ts";
import { parsePlan } from "../../src/node/cluster/plan/validate.ts";
import { tempDir } from "../unit/data/support/workerd.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const PLAN = join(ROOT, "src/node/cluster/plan/example-plan.json");
const temp = tempDir("nimbus-export-");
const out = join(temp.dir, "deploy");
let machines: ExportedMachine[] = [];
const file = (machine: string, path: string) => readFileSync(join(out, machine, path), "utf8");

beforeAll(async () => {
  const plan = parsePlan(readFileSync(PLAN, "utf8"), PLAN);
  machines = await exportCluster({ plan, root: ROOT, outDir: out });
}, 120_000);
afterAll(() => temp.remove());

describe("cluster export", () => {
  it("writes each machine's files and units by role", () => {
    const byName = Object.fromEntries(machines.map((m) => [m.machine.name, m]));
    expect(byName.gw1?.units).toEqual(["haproxy.service", "keepalived.service"]);
    expect(byName.app1?.units).toEqual([
      "nimbus-links-node-1.service",
      "nimbus-links-node-2.service",
    ]);
    expect(byName.app2?.units).toEqual([
      "nimbus-links-node-3.service",
      "nimbus-links-node-4.service",
    ]);
    expect(byName.db2?.units).toEqual([
      "nimbus-links-dqlite.service",
      "nimbus-links-database.service",
    ]);
    // On a machine with both roles the database starts before the coordination host.
    expect(byName.db1?.units).toEqual([
      "nimbus-links-dqlite.service",
      "nimbus-links-database.service",
      "nimbus-links-coordination.service",
    ]);
    for (const { machine, files } of machines)
      for (const path of files)
        expect(existsSync(join(out, machine.name, path)), `${machine.name}${path}`).toBe(true);
  });

  it("gateway configs pass HAProxy's and keepalived's own checks", () => {
    for (const gw of ["gw1", "gw2"]) {
      const haproxy = join(out, gw, "etc/haproxy/haproxy.cfg");
      execFileSync("haproxy", ["-c", "-q", "-f", haproxy], { stdio: "pipe" });
      const cfg = readFileSync(haproxy, "utf8");
      for (const node of ["10.0.0.21:8081", "10.0.0.21:8082", "10.0.0.22:8081", "10.0.0.22:8082"])
        expect(cfg).toContain(node);
      expect(cfg).toContain("http-request set-header X-Forwarded-For %[src]");
      execFileSync("keepalived", ["-t", "-f", join(out, gw, "etc/keepalived/keepalived.conf")], {
        stdio: "pipe",
      });
    }
    const gw2 = file("gw2", "etc/keepalived/keepalived.conf");
    expect(gw2).toContain("10.0.0.100/24 dev eth0");
    expect(gw2).toMatch(/unicast_peer \{\s+10\.0\.0\.11\s+\}/);
    expect(gw2).toContain("advert_int 0.2");
  });

  it("node configs trust only the gateways and embed a bundle that is there", () => {
    const path = join(out, "app2", "etc/nimbus/links/node-3.capnp");
    const config = readFileSync(path, "utf8");
    expect(config).toContain('(name = "NIMBUS_TRUSTED_PROXIES", text = "10.0.0.11,10.0.0.12")');
    expect(config).toContain(
      '(name = "DATABASE_URL", text = "http://10.0.0.31:8080,http://10.0.0.32:8080,http://10.0.0.33:8080")',
    );
    expect(config).toContain('address = "10.0.0.22:8081"');
    // Never a development node on real servers, whatever wrangler.toml's [vars] say.
    expect(config).not.toContain('(name = "NIMBUS_ENV", text = "development")');
    expect(config).toContain('fromEnvironment = "SESSION_SECRET"');
    // nimbus/coord's objects are reached on the coordination host, not kept per node.
    expect(config).toContain('external = (address = "10.0.0.31:8790"');
    expect(config).not.toContain('durableObjectNamespace = "NimbusCoordinator"');
    expect(config).not.toContain(out); // no path of the machine that exported it
    const embeds = [...config.matchAll(/embed "([^"]+)"/g)].map((m) => m[1] as string);
    expect(embeds.length).toBeGreaterThan(0);
    for (const embed of embeds) expect(existsSync(join(dirname(path), embed)), embed).toBe(true);
    const spec = JSON.parse(file("app2", "etc/nimbus/links/node-3.json"));
    expect(spec).toMatchObject({
      name: "node-3",
      config: "/etc/nimbus/links/node-3.capnp",
      host: "10.0.0.22",
      port: 8081,
      agentPort: 9081,
      gateways: ["10.0.0.11:9999", "10.0.0.12:9999"],
    });
  });

  it("the coordination host owns nimbus/coord's objects and fires cron", () => {
    const path = join(out, "db1", "etc/nimbus/links/coordination.capnp");
    const config = readFileSync(path, "utf8");
    expect(config).toContain('address = "10.0.0.31:8790"');
    expect(config).toContain('durableObjectNamespace = "NimbusCoordinator"');
    expect(config).toContain('fromEnvironment = "NIMBUS_COORD_TOKEN"');
    for (const m of config.matchAll(/embed "([^"]+)"/g))
      expect(existsSync(join(dirname(path), m[1] as string)), m[1]).toBe(true);
    expect(file("db1", "etc/systemd/system/nimbus-links-coordination.service")).toContain(
      "ExecStart=/usr/local/bin/nimbus cluster coord-host --spec /etc/nimbus/links/coordination.json",
    );
  });

  it("units start each process with its secrets from secrets.env", () => {
    const node = file("app1", "etc/systemd/system/nimbus-links-node-2.service");
    expect(node).toContain(
      "ExecStart=/usr/local/bin/nimbus cluster node --spec /etc/nimbus/links/node-2.json",
    );
    expect(node).toContain("EnvironmentFile=/etc/nimbus/links/secrets.env");
    const db = file("db3", "etc/systemd/system/nimbus-links-dqlite.service");
    expect(db).toContain("--join 10.0.0.31:9001,10.0.0.32:9001");
    const endpoint = file("db1", "etc/systemd/system/nimbus-links-database.service");
    expect(endpoint).toContain("--host 10.0.0.31 --port 8080");
  });
});
