/** Worker side of self-hosted clusters: what a node tells its supervisor and the gateway. */
export {
  HEALTH_PATH,
  LOAD_PATH,
  NODE_TOKEN_HEADER,
  type NodeEnv,
  type NodeLoad,
  nodeLoad,
} from "./node-load.ts";
