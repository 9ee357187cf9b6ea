/** The cluster plan: the example is valid; each kind of mistake gets an error that says where and what to do. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planNodes } from "../../src/node/cluster/plan/plan.ts";
import { PlanError, parsePlan, validatePlan } from "../../src/node/cluster/plan/validate.ts";

const EXAMPLE = join(import.meta.dirname, "../../src/node/cluster/plan/example-plan.json");
const example = () => JSON.parse(readFileSync(EXAMPLE, "utf8"));

function problems(plan: unknown): string[] {
  try {
    validatePlan(plan);
  } catch (error) {
    if (error instanceof PlanError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("cluster plan", () => {
  it("reads the example with its defaults", () => {
    const plan = parsePlan(readFileSync(EXAMPLE, "utf8"), EXAMPLE);
    expect(plan.gateway).toEqual({
      mode: "vrrp",
      port: 80,
      virtualAddress: "10.0.0.100/24",
      interface: "eth0",
      virtualRouterId: 51,
      advertInterval: 0.2,
    });
    expect(plan.database).toEqual({ engine: "mirrored", port: 8080, raftPort: 9001 });
    expect(planNodes(plan).map((n) => `${n.name}@${n.address}`)).toEqual([
      "node-1@10.0.0.21:8081",
      "node-2@10.0.0.21:8082",
      "node-3@10.0.0.22:8081",
      "node-4@10.0.0.22:8082",
    ]);
  });

  it("names an unknown role and suggests the right one", () => {
    const plan = example();
    plan.machines[0].roles = ["gatway"];
    expect(problems(plan)).toContainEqual(
      'machines[0].roles[0]: unknown role "gatway" (did you mean "gateway"?); roles: gateway, app, database, coordination',
    );
  });

  it("finds duplicate addresses and names", () => {
    const plan = example();
    plan.machines[1].address = "10.0.0.11";
    plan.machines[2].name = "gw1";
    const found = problems(plan);
    expect(found).toContainEqual("machines[1].address: 10.0.0.11 is also the address of gw1");
    expect(found).toContainEqual('machines[2].name: "gw1" is also machines[0]\'s name');
  });

  it("needs a gateway, and two of them for vrrp", () => {
    const plan = example();
    plan.machines = plan.machines.filter((m: { name: string }) => m.name !== "gw2");
    expect(problems(plan)).toContainEqual(
      'gateway.mode: vrrp needs two or more gateways to share an address; add one, or use "active-active"',
    );
    plan.machines = plan.machines.filter((m: { name: string }) => m.name !== "gw1");
    expect(problems(plan)).toContainEqual(
      'machines: no gateway: give at least one machine the "gateway" role (two for redundancy)',
    );
  });

  it("takes at most one coordination host; none for an app without nimbus/coord", () => {
    const plan = example();
    for (const machine of plan.machines as { roles: string[] }[])
      machine.roles = machine.roles.filter((role) => role !== "coordination");
    expect(problems(plan)).toEqual([]);
    plan.machines[2].roles.push("coordination");
    plan.machines[3].roles.push("coordination");
    expect(problems(plan)).toContainEqual(
      'machines: 2 coordination hosts: at most one machine has the "coordination" role (one owner per Durable Object)',
    );
  });

  it("refuses an even number of mirrored database machines", () => {
    const plan = example();
    plan.machines.push({ name: "db4", address: "10.0.0.34", roles: ["database"] });
    expect(problems(plan)).toEqual([
      `machines: an even number of database machines (4) for "mirrored": a split half can't form a majority; use 3 or 5`,
    ]);
  });

  it("checks the virtual address and the mode's fields", () => {
    const plan = example();
    plan.gateway.virtualAddress = "10.0.0.11/24";
    expect(problems(plan)).toEqual([
      "gateway.virtualAddress: 10.0.0.11 is gw1's own address; the shared one must be free",
    ]);
    plan.gateway.virtualAddress = "10.0.0.100";
    expect(problems(plan)[0]).toMatch(/an IP address with its prefix/);
    plan.gateway = { mode: "active-active", virtualAddress: "10.0.0.100/24" };
    expect(problems(plan)).toEqual([
      "gateway.virtualAddress: only vrrp shares an address; active-active clients (or DNS) list every gateway",
    ]);
  });

  it("reports every problem at once, with typos in field names", () => {
    const plan = example();
    plan.gateway.mdoe = "vrrp";
    plan.database.engine = "postgres";
    plan.machines[3].nodes = 0;
    plan.machines[4].roles = [];
    const found = problems(plan);
    expect(found).toContainEqual(
      'gateway.mdoe: unknown field (did you mean "mode"?); fields here: mode, port, virtualAddress, interface, virtualRouterId, advertInterval',
    );
    expect(found).toContainEqual('database.engine: "postgres" is not one of libsql, mirrored');
    expect(found).toContainEqual("machines[3].nodes: expected a whole number from 1 to 64, got 0");
    expect(found).toContainEqual(
      "machines[4].roles: expected a list of roles: gateway, app, database, coordination",
    );
  });

  it("says so when the file is not JSON", () => {
    expect(() => parsePlan("{ machines: [", "plan.json")).toThrow(
      /plan.json: 1 problem\n {2}- not valid JSON/,
    );
  });
});
