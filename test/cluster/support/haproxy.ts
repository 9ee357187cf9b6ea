/**
 * The HAProxy config the gateway tests run: a frontend on every address (the virtual one
 * included, before this gateway holds it), the client-address rules every Nimbus gateway
 * applies, health-checked nodes with retries, and a local health frontend for keepalived.
 */
import { CLIENT_ADDRESS_RULES } from "../../../src/node/cluster/client-address.ts";

export interface LabGatewaySpec {
  port: number;
  healthPort: number;
  /** "address:port" of each app node. */
  nodes: string[];
}

export function labHaproxyConfig(spec: LabGatewaySpec): string {
  return [
    "global",
    "  maxconn 2000",
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 10s",
    "  timeout server 10s",
    "  retries 2",
    "  option redispatch",
    "  retry-on conn-failure empty-response",
    "frontend web",
    `  bind :${spec.port}`,
    ...CLIENT_ADDRESS_RULES.map((rule) => `  ${rule}`),
    "  default_backend nodes",
    "frontend health",
    `  bind 127.0.0.1:${spec.healthPort}`,
    "  monitor-uri /health",
    "backend nodes",
    "  balance leastconn",
    ...spec.nodes.map((node, i) => `  server node${i + 1} ${node} check inter 500ms fall 2 rise 1`),
    "",
  ].join("\n");
}
