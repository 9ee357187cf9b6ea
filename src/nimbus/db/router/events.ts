/** Why a replica was passed over for a read. */
export type SkipReason = "behind" | "down" | "busy" | "statement";

/** What the router did with one call, for logs, tests and benchmarks. */
export interface RouteEvent {
  kind: "read" | "write" | "transaction";
  /** "primary", or the URL of the replica that answered. */
  servedBy: string;
  /** Replicas tried before the one that answered, and why each was passed over. */
  skipped: { url: string; reason: SkipReason }[];
  /** The client's consistency position after the call. */
  position: number;
}

export type RouteListener = (event: RouteEvent) => void;
