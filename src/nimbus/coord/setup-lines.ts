// What an app adds to use nimbus/coord: the setup error shows these lines, and
// `nimbus generate authentication` writes them into the app.

/** wrangler.toml: the Durable Object bindings of nimbus/coord and their migration. */
export const COORD_WRANGLER_LINES = `[[durable_objects.bindings]]
name = "NIMBUS_COORDINATOR"
class_name = "NimbusCoordinator"

[[durable_objects.bindings]]
name = "NIMBUS_ROOM"
class_name = "NimbusRoom"

[[migrations]]
tag = "nimbus-coord-v1"
new_sqlite_classes = ["NimbusCoordinator", "NimbusRoom"]`;

/** The worker entry's line that exports the classes wrangler.toml binds. */
export const COORD_WORKER_EXPORT =
  'export { NimbusCoordinator, NimbusRoom } from "nimbus-web/coord";';
