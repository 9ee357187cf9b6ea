/**
 * The cluster plan: which machine does what, in one small JSON file (in the spirit of Kamal's
 * deploy.yml). `nimbus cluster export` turns it into each machine's files.
 */

/** What a machine is for. One machine may have several roles. */
export const ROLES = ["gateway", "app", "database", "coordination"] as const;
export type Role = (typeof ROLES)[number];

export type GatewayMode = "vrrp" | "active-active";
export type DatabaseEngine = "libsql" | "mirrored";

export interface PlanMachine {
  /** A short name: the folder `export` writes, the systemd units' suffix. */
  name: string;
  /** The address the other machines reach this one at (private network). */
  address: string;
  roles: Role[];
  /** Workerd nodes on an app machine (default 1). */
  nodes: number;
}

export interface PlanGateway {
  mode: GatewayMode;
  /** Where clients connect on each gateway (default 80). */
  port: number;
  /** vrrp: the shared address with its prefix, e.g. "10.0.0.100/24". */
  virtualAddress?: string;
  /** vrrp: the network interface that carries it (default eth0). */
  interface: string;
  /** vrrp: 1–255, unique on the network segment (default 51). */
  virtualRouterId: number;
  /** vrrp: seconds between adverts, 0.1–0.3 (default 0.2). */
  advertInterval: number;
}

export interface PlanDatabase {
  engine: DatabaseEngine;
  /** libSQL port on each database machine (default 8080). */
  port: number;
  /** mirrored: dqlite's Raft port on each database machine (default 9001). */
  raftPort: number;
}

/** A validated plan with every default filled in. */
export interface ClusterPlan {
  /** The app's name: folders, unit names, Durable Object keys (default "nimbus"). */
  app: string;
  gateway: PlanGateway;
  database: PlanDatabase;
  /** First workerd port on app machines; node k listens on nodePort + k - 1 (default 8081). */
  nodePort: number;
  /** Coordination host's port (default 8790). */
  coordinationPort: number;
  machines: PlanMachine[];
}

/** Machines with a role, in plan order. */
export function machinesWith(plan: ClusterPlan, role: Role): PlanMachine[] {
  return plan.machines.filter((machine) => machine.roles.includes(role));
}

/** Every workerd node of the plan, named node-1, node-2 … across app machines. */
export function planNodes(
  plan: ClusterPlan,
): { name: string; machine: PlanMachine; port: number; address: string }[] {
  let n = 0;
  return machinesWith(plan, "app").flatMap((machine) =>
    Array.from({ length: machine.nodes }, (_, i) => {
      n++;
      const port = plan.nodePort + i;
      return { name: `node-${n}`, machine, port, address: `${machine.address}:${port}` };
    }),
  );
}
