/**
 * `cluster up --gateways N` on one machine: N HAProxy gateways, each on its own port, and every
 * node checks in with all of them (active-active: clients hold the list). VRRP needs gateways on
 * separate hosts of one network (a shared address moves between them): on one machine the
 * gateways run active-active, with a note; the namespace test and `cluster export` cover VRRP.
 */
import { join } from "node:path";
import type { GatewayLauncher } from "../local/cluster.ts";
import { freePort } from "../local/processes.ts";
import { startHaproxyGateway } from "./start-haproxy.ts";

export const startGateways: GatewayLauncher = async ({
  dir,
  host,
  port,
  count,
  mode,
  progress,
}) => {
  if (count > 1 && mode === "vrrp")
    progress.say(
      "vrrp shares one address between gateway machines on one network; on one machine the gateways run active-active (each its own address). `nimbus cluster export` writes keepalived.conf for your servers.",
    );
  const gateways = [];
  for (let i = 1; i <= count; i++) {
    const gateway = await startHaproxyGateway({
      name: `gw-${i}`,
      dir: join(dir, "gateways"),
      host,
      port: i === 1 ? port : await freePort(host),
    });
    if (count > 1) progress.say(`  gateway gw-${i}: ${gateway.url}`);
    gateways.push(gateway);
  }
  return gateways;
};
