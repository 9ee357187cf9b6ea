import { honoDrizzle, honoDrizzleDefaults, nimbus } from "./miniflare-d1.ts";
import { honoDrizzleLibsql, nimbusLibsql } from "./nimbus-libsql.ts";
import { nimbusMirrored } from "./nimbus-mirrored.ts";
import { express, fastify, honoNode } from "./node-peer.ts";
import { rawWorkerd } from "./raw-workerd.ts";
import type { Target } from "./target.ts";

/**
 * In table order: Nimbus on the local dev emulator (D1 in Miniflare), what a Workers user would
 * write instead, Nimbus on the self-hosted production path (and that hand-written peer on the
 * same path), the runtime's floor, Node.
 */
export const TARGETS: Target[] = [
  nimbus,
  honoDrizzle,
  honoDrizzleDefaults,
  nimbusLibsql,
  honoDrizzleLibsql,
  nimbusMirrored,
  rawWorkerd,
  express,
  fastify,
  honoNode,
];
