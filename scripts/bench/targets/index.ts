import { honoDrizzle, nimbus } from "./miniflare-d1.ts";
import { express, fastify, honoNode } from "./node-peer.ts";
import { rawWorkerd } from "./raw-workerd.ts";
import type { Target } from "./target.ts";

/** In table order: Nimbus, what a Workers user would write instead, the runtime's floor, Node. */
export const TARGETS: Target[] = [nimbus, honoDrizzle, rawWorkerd, express, fastify, honoNode];
