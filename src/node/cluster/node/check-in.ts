/** A node's check-in with a gateway and its leaving, through HAProxy's runtime API. */
import { BACKEND, serverOptions } from "../gateway/haproxy-config.ts";
import { type AdminAddress, adminCommand, serverStats } from "../gateway/runtime-api.ts";

export interface NodeAddress {
  name: string;
  host: string;
  port: number;
  agentHost: string;
  agentPort: number;
}

/**
 * Registers the node unless the gateway already has it (a restarted gateway forgets dynamic
 * servers, so nodes call this again and again). Resolves true when it was added now.
 */
export async function checkIn(gateway: AdminAddress, node: NodeAddress): Promise<boolean> {
  const server = `${BACKEND}/${node.name}`;
  const agentAddr = node.agentHost === node.host ? undefined : node.agentHost;
  // Ask first: an `add server` the gateway refuses is logged there as an alert.
  const known = (await serverStats(gateway, BACKEND)).find((s) => s.server === node.name);
  if (known?.address === `${node.host}:${node.port}`) return false;
  // Same name, another address: a node that died and came back elsewhere. The old entry goes.
  if (known) await leave(gateway, node.name);
  const added = await adminCommand(
    gateway,
    `add server ${server} ${node.host}:${node.port} ${serverOptions(node.agentPort, agentAddr)}`,
  );
  if (added.startsWith("Already exists")) return false;
  if (!added.startsWith("New server registered"))
    throw new Error(`gateway ${gateway} refused ${server}: ${added}`);
  for (const command of ["enable health", "enable agent", "enable server"])
    await adminCommand(gateway, `${command} ${server}`);
  return true;
}

/** No new requests for this node; the ones it has finish. */
export async function drain(gateway: AdminAddress, name: string): Promise<void> {
  await adminCommand(gateway, `set server ${BACKEND}/${name} state drain`);
}

/** Requests the gateway has on this node right now (0 when it does not know the node). */
export async function requestsAt(gateway: AdminAddress, name: string): Promise<number> {
  const stats = await serverStats(gateway, BACKEND);
  return stats.find((s) => s.server === name)?.current ?? 0;
}

/** Takes the node out of the gateway for good (maintenance, then removed). */
export async function leave(gateway: AdminAddress, name: string): Promise<void> {
  const server = `${BACKEND}/${name}`;
  await adminCommand(gateway, `set server ${server} state maint`);
  for (let attempt = 0; attempt < 20; attempt++) {
    const answer = await adminCommand(gateway, `del server ${server}`);
    if (answer.startsWith("Server deleted") || answer.startsWith("No such server")) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
