/**
 * nimbus-web/node: the Node-only side of Nimbus — the libSQL server (on a local file or the
 * mirrored dqlite database), the mirrored database's process management, and the migrator.
 * Never import this from app code that runs in a Worker: an app's bundle takes `nimbus-web`,
 * `nimbus-web/coord` and `nimbus-web/testing` only.
 */
export {
  type MirroredCluster,
  type MirroredClusterOptions,
  type MirroredNodeSpec,
  nodeCommands,
  planCluster,
  portableCommands,
  readClusterState,
  startMirroredCluster,
  stopMirroredCluster,
} from "./dqlite/cluster.ts";
export {
  DqliteEngine,
  type DqliteStorageOptions,
  dqliteEngine,
} from "./dqlite/hrana.ts";
export {
  type EngineResult,
  type EngineSession,
  type ExecuteOptions,
  type HranaServer,
  type HranaServerOptions,
  type LibsqlServer,
  type LibsqlServerOptions,
  LocalFileEngine,
  type StorageEngine,
  type Synchronous,
  startHranaServer,
  startLibsqlServer,
} from "./libsql-server/index.ts";
export * from "./migrate/index.ts";
