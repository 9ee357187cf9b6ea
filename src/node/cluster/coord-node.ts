// What points an app node at the coordination host: nimbus/coord's bindings become a service
// binding to the host instead of Durable Objects of the node's own (which would split every
// counter, limit and room in two), and nimbus/coord picks the HTTP transport.
import { text } from "./capnp.ts";
import type { NodeDescription } from "./node-config.ts";

/** nimbus/coord's Durable Object classes: owned by the host, reached by nodes over HTTP. */
export const COORD_CLASSES: readonly string[] = ["NimbusCoordinator", "NimbusRoom"];
/** Where a node finds the host: `host:port` (nodes built with it bind to the host). */
export const COORD_HOST_ENV = "NIMBUS_COORD_HOST";
/** The secret nodes send and the host checks; read from the environment, never written to files. */
export const COORD_TOKEN_ENV = "NIMBUS_COORD_TOKEN";

/**
 * A node that reaches the coordination host at `address` for nimbus/coord's objects instead of
 * keeping its own (which would split every counter, limit and room in two). Other Durable
 * Object classes of the app stay on the node. The token comes from the node's environment.
 */
export function withCoordHost(node: NodeDescription, address: string): NodeDescription {
  const service = "nimbus-coord-host";
  const moved = node.durableObjects.filter((o) => COORD_CLASSES.includes(o.className));
  return {
    ...node,
    durableObjects: node.durableObjects.filter((o) => !COORD_CLASSES.includes(o.className)),
    secrets: [...new Set([...node.secrets, COORD_TOKEN_ENV])],
    extraServices: [
      ...(node.extraServices ?? []),
      `(name = ${text(service)}, external = (address = ${text(address)}, http = ()))`,
    ],
    extraBindings: [
      ...(node.extraBindings ?? []),
      ...moved.map((o) => `(name = ${text(o.binding)}, service = ${text(service)})`),
    ],
  };
}
