/** What a node supervisor is told to run (the JSON file `nimbus cluster node --spec` reads). */
export interface NodeSpec {
  name: string;
  /** The generated workerd config. */
  config: string;
  workerd: string;
  /** Where workerd serves HTTP, as the gateway reaches it. */
  host: string;
  port: number;
  /** Where this supervisor answers HAProxy's agent-check. */
  agentHost: string;
  agentPort: number;
  /** Runtime API addresses of every gateway to check in with. */
  gateways: string[];
  /** Environment for workerd: secrets, the node token. */
  env: Record<string, string>;
  /** Longest a drain may take before the node leaves anyway (default 30 s). */
  drainTimeoutMs?: number;
}
