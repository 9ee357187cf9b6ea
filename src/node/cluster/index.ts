/**
 * Self-hosted clusters, Node side: `nimbus build` (bundle + generated workerd config per node),
 * the node supervisor (agent-check, gateway check-in and drain) and the HAProxy gateway.
 */
export { type AppBundle, bundleApp, describeBundle, readWranglerConfig } from "./app-bundle.ts";
export {
  type CoordHostProcess,
  type CoordHostProcessOptions,
  type CoordHostSpec,
  runCoordHost,
  type SupervisedCoordHost,
  startCoordHost,
  superviseCoordHost,
} from "./coord-host.ts";
export { bundleCoordHostEntry, HOST_ENTRY } from "./coord-host-bundle.ts";
export { type CoordHostOptions, describeCoordHost } from "./coord-host-config.ts";
export { COORD_CLASSES, COORD_HOST_ENV, COORD_TOKEN_ENV, withCoordHost } from "./coord-node.ts";
export {
  buildPaths,
  DEFAULT_SECRETS,
  describeNode,
  NODE_VARS_FROM_ENV,
  type NodeOptions,
  writeNodeConfig,
} from "./describe-node.ts";
export {
  type DurableObjectBinding,
  type ModuleType,
  NODE_TOKEN_ENV,
  type NodeDescription,
  nodeConfig,
  type WorkerModule,
} from "./node-config.ts";
export { workerdBinary } from "./workerd-binary.ts";
