/**
 * Reads a cluster plan (JSON) and checks it: every mistake is reported at once, each with where
 * it is in the file and what to write instead. Hand-written because the checks span fields
 * (no gateway, an even number of mirrored database machines, a virtual address in use).
 */
import { isIP } from "node:net";
import {
  type ClusterPlan,
  type DatabaseEngine,
  type GatewayMode,
  machinesWith,
  type PlanMachine,
  ROLES,
  type Role,
} from "./plan.ts";

/** A plan that cannot be used, with every problem found. */
export class PlanError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(
      `${source}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}\n  - ${problems.join("\n  - ")}`,
    );
    this.problems = problems;
  }
}

type Json = Record<string, unknown>;

const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The closest known word, for "did you mean". */
function closest(word: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j] as number;
        row[j] = Math.min(
          (row[j] as number) + 1,
          (row[j - 1] as number) + 1,
          previous + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        previous = current;
      }
    }
    return row[b.length] as number;
  };
  const best = known
    .map((k) => ({ k, d: distance(word.toLowerCase(), k) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? best.k : undefined;
}

class Checker {
  readonly problems: string[] = [];

  problem(where: string, message: string): void {
    this.problems.push(`${where}: ${message}`);
  }

  onlyKeys(where: string, value: Json, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      this.problem(
        where ? `${where}.${key}` : key,
        `unknown field${guess ? ` (did you mean "${guess}"?)` : ""}; fields here: ${known.join(", ")}`,
      );
    }
  }

  string(where: string, value: unknown, fallback?: string): string {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    this.problem(
      where,
      value === undefined ? "missing" : `expected text, got ${JSON.stringify(value)}`,
    );
    return fallback ?? "";
  }

  integer(where: string, value: unknown, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)
      return value;
    this.problem(
      where,
      `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
    return fallback;
  }

  oneOf<T extends string>(where: string, value: unknown, known: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value === "string" && (known as readonly string[]).includes(value))
      return value as T;
    const guess = typeof value === "string" ? closest(value, known) : undefined;
    this.problem(
      where,
      `${JSON.stringify(value)} is not one of ${known.join(", ")}${guess ? ` (did you mean "${guess}"?)` : ""}`,
    );
    return fallback;
  }
}

function machine(check: Checker, where: string, value: unknown): PlanMachine | undefined {
  if (!isObject(value)) {
    check.problem(where, 'expected { "name": …, "address": …, "roles": [ … ] }');
    return undefined;
  }
  check.onlyKeys(where, value, ["name", "address", "roles", "nodes"]);
  const name = check.string(`${where}.name`, value.name);
  if (name && !NAME.test(name))
    check.problem(
      `${where}.name`,
      `"${name}": use lower-case letters, digits and "-" (a folder and unit name)`,
    );
  const address = check.string(`${where}.address`, value.address);
  if (address && isIP(address) === 0 && !HOSTNAME.test(address))
    check.problem(`${where}.address`, `"${address}" is neither an IP address nor a host name`);
  const roles: Role[] = [];
  if (!Array.isArray(value.roles) || value.roles.length === 0) {
    check.problem(`${where}.roles`, `expected a list of roles: ${ROLES.join(", ")}`);
  } else {
    value.roles.forEach((role, i) => {
      const at = `${where}.roles[${i}]`;
      if (typeof role === "string" && (ROLES as readonly string[]).includes(role)) {
        if (roles.includes(role as Role)) check.problem(at, `"${role}" is listed twice`);
        else roles.push(role as Role);
      } else {
        const guess = typeof role === "string" ? closest(role, ROLES) : undefined;
        check.problem(
          at,
          `unknown role ${JSON.stringify(role)}${guess ? ` (did you mean "${guess}"?)` : ""}; roles: ${ROLES.join(", ")}`,
        );
      }
    });
  }
  const nodes = check.integer(`${where}.nodes`, value.nodes, 1, 1, 64);
  if (value.nodes !== undefined && !roles.includes("app"))
    check.problem(`${where}.nodes`, 'only a machine with the "app" role runs nodes');
  return { name, address, roles, nodes };
}

/** Checks a parsed plan and fills in defaults; throws PlanError listing every problem. */
export function validatePlan(value: unknown, source = "cluster plan"): ClusterPlan {
  const check = new Checker();
  if (!isObject(value)) throw new PlanError(source, ["the plan must be a JSON object"]);
  check.onlyKeys("", value, [
    "app",
    "gateway",
    "database",
    "nodePort",
    "coordinationPort",
    "machines",
  ]);
  const app = check.string("app", value.app, "nimbus");
  if (!NAME.test(app)) check.problem("app", `"${app}": use lower-case letters, digits and "-"`);

  const gatewayValue = value.gateway ?? {};
  const gateway = isObject(gatewayValue) ? gatewayValue : {};
  if (!isObject(gatewayValue)) check.problem("gateway", "expected an object");
  check.onlyKeys("gateway", gateway, [
    "mode",
    "port",
    "virtualAddress",
    "interface",
    "virtualRouterId",
    "advertInterval",
  ]);
  const mode = check.oneOf<GatewayMode>(
    "gateway.mode",
    gateway.mode,
    ["vrrp", "active-active"],
    "active-active",
  );
  const advertInterval = gateway.advertInterval ?? 0.2;
  if (typeof advertInterval !== "number" || advertInterval < 0.1 || advertInterval > 0.3)
    check.problem(
      "gateway.advertInterval",
      `seconds between VRRP adverts, 0.1 to 0.3; got ${JSON.stringify(advertInterval)}`,
    );

  const databaseValue = value.database ?? {};
  const database = isObject(databaseValue) ? databaseValue : {};
  if (!isObject(databaseValue)) check.problem("database", "expected an object");
  check.onlyKeys("database", database, ["engine", "port", "raftPort"]);

  const machines: PlanMachine[] = [];
  if (!Array.isArray(value.machines) || value.machines.length === 0) {
    check.problem(
      "machines",
      'expected a list of machines: [{ "name": "gw1", "address": "10.0.0.11", "roles": ["gateway"] }, …]',
    );
  } else {
    value.machines.forEach((entry, i) => {
      const found = machine(check, `machines[${i}]`, entry);
      if (found) machines.push(found);
    });
  }

  const plan: ClusterPlan = {
    app,
    gateway: {
      mode,
      port: check.integer("gateway.port", gateway.port, 80, 1, 65535),
      interface: check.string("gateway.interface", gateway.interface, "eth0"),
      virtualRouterId: check.integer(
        "gateway.virtualRouterId",
        gateway.virtualRouterId,
        51,
        1,
        255,
      ),
      advertInterval: typeof advertInterval === "number" ? advertInterval : 0.2,
    },
    database: {
      engine: check.oneOf<DatabaseEngine>(
        "database.engine",
        database.engine,
        ["libsql", "mirrored"],
        "libsql",
      ),
      port: check.integer("database.port", database.port, 8080, 1, 65535),
      raftPort: check.integer("database.raftPort", database.raftPort, 9001, 1, 65535),
    },
    nodePort: check.integer("nodePort", value.nodePort, 8081, 1, 65535),
    coordinationPort: check.integer("coordinationPort", value.coordinationPort, 8790, 1, 65535),
    machines,
  };
  if (gateway.virtualAddress !== undefined)
    plan.gateway.virtualAddress = check.string("gateway.virtualAddress", gateway.virtualAddress);

  crossChecks(check, plan);
  if (check.problems.length > 0) throw new PlanError(source, check.problems);
  return plan;
}

/** Checks that span machines: names and addresses unique, each role filled as it must be. */
function crossChecks(check: Checker, plan: ClusterPlan): void {
  const seen = new Map<string, string>();
  const seenAddress = new Map<string, string>();
  plan.machines.forEach((m, i) => {
    const other = seen.get(m.name);
    if (m.name && other)
      check.problem(`machines[${i}].name`, `"${m.name}" is also ${other}'s name`);
    seen.set(m.name, `machines[${i}]`);
    const sameAddress = seenAddress.get(m.address);
    if (m.address && sameAddress)
      check.problem(`machines[${i}].address`, `${m.address} is also the address of ${sameAddress}`);
    seenAddress.set(m.address, m.name);
  });
  const gateways = machinesWith(plan, "gateway");
  const databases = machinesWith(plan, "database");
  const coordination = machinesWith(plan, "coordination");
  if (plan.machines.length > 0) {
    if (gateways.length === 0)
      check.problem(
        "machines",
        'no gateway: give at least one machine the "gateway" role (two for redundancy)',
      );
    if (machinesWith(plan, "app").length === 0)
      check.problem("machines", 'no app machine: give at least one machine the "app" role');
    // None is fine for an app without nimbus/coord; the export refuses none for one that uses it.
    if (coordination.length > 1)
      check.problem(
        "machines",
        `${coordination.length} coordination hosts: at most one machine has the "coordination" role (one owner per Durable Object)`,
      );
    if (plan.database.engine === "libsql" && databases.length !== 1)
      check.problem(
        "machines",
        `${databases.length === 0 ? "no" : databases.length} database machines for database.engine "libsql": it runs on exactly one (for several, use "mirrored" with 3 or 5)`,
      );
    if (plan.database.engine === "mirrored") {
      if (databases.length < 3)
        check.problem(
          "machines",
          `"mirrored" needs at least 3 database machines (a majority survives one loss); the plan has ${databases.length}`,
        );
      else if (databases.length % 2 === 0)
        check.problem(
          "machines",
          `an even number of database machines (${databases.length}) for "mirrored": a split half can't form a majority; use ${databases.length - 1} or ${databases.length + 1}`,
        );
    }
  }
  const vip = plan.gateway.virtualAddress;
  if (plan.gateway.mode === "vrrp") {
    if (gateways.length > 0 && gateways.length < 2)
      check.problem(
        "gateway.mode",
        'vrrp needs two or more gateways to share an address; add one, or use "active-active"',
      );
    if (vip === undefined) {
      check.problem(
        "gateway.virtualAddress",
        'vrrp needs the shared address with its prefix, e.g. "10.0.0.100/24"',
      );
    } else {
      const [address, prefix] = vip.split("/");
      const family = isIP(address ?? "");
      const bits = Number(prefix);
      if (family === 0 || !Number.isInteger(bits) || bits < 1 || bits > (family === 6 ? 128 : 32))
        check.problem(
          "gateway.virtualAddress",
          `"${vip}": an IP address with its prefix, e.g. "10.0.0.100/24"`,
        );
      else if (seenAddress.has(address as string))
        check.problem(
          "gateway.virtualAddress",
          `${address} is ${seenAddress.get(address as string)}'s own address; the shared one must be free`,
        );
    }
  } else if (vip !== undefined) {
    check.problem(
      "gateway.virtualAddress",
      "only vrrp shares an address; active-active clients (or DNS) list every gateway",
    );
  }
  // Two services of one machine on one port would not both start.
  const ports = new Map<string, string>();
  const claim = (port: number, what: string, machines: PlanMachine[]) => {
    for (const m of machines) {
      const key = `${m.name}:${port}`;
      const other = ports.get(key);
      if (other) check.problem("ports", `${key} is used by both ${other} and ${what}`);
      ports.set(key, what);
    }
  };
  claim(plan.gateway.port, "the gateway", gateways);
  for (const m of machinesWith(plan, "app"))
    for (let k = 0; k < m.nodes; k++)
      claim(plan.nodePort + k, `node port ${plan.nodePort + k}`, [m]);
  claim(plan.database.port, "the database", databases);
  if (plan.database.engine === "mirrored")
    claim(plan.database.raftPort, "dqlite's Raft port", databases);
  claim(plan.coordinationPort, "the coordination host", coordination);
}

/** Parses and validates the plan's text; `source` names the file in errors. */
export function parsePlan(text: string, source = "cluster plan"): ClusterPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanError(source, [`not valid JSON: ${(error as Error).message}`]);
  }
  return validatePlan(value, source);
}
