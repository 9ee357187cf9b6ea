import { randomBytes } from "node:crypto";
import { join } from "node:path";

/**
 * The demo caches its pages (nimbus/cache). The database scenarios compare frameworks doing the
 * same work, so their requests carry this secret (the demo's NIMBUS_CACHE_BYPASS var) and Nimbus
 * answers them as with the cache off; peers ignore the header. Only `cached` uses the cache.
 */
export const CACHE_BYPASS = randomBytes(16).toString("hex");
const uncached = { "Nimbus-Cache-Bypass": CACHE_BYPASS };

/** The link the show scenario reads: in the middle of the seeded 1,000. */
export const SHOW_ID = 500;

export type ScenarioName = "hello" | "page" | "show" | "create" | "cached";

export interface Scenario {
  name: ScenarioName;
  describe: string;
  path: string;
  /** A wrk Lua script for requests other than a plain GET. */
  script?: string;
  /** Request headers wrk sends. */
  headers?: Record<string, string>;
  /** Set while the feature the scenario needs doesn't exist; the runner lists it and skips it. */
  pending?: string;
}

export const SCENARIOS: Scenario[] = [
  { name: "hello", describe: "GET /hello: a constant text response", path: "/hello" },
  {
    name: "page",
    describe:
      "GET /links: the link list as HTML, 20 rows read from the database (Nimbus's cache bypassed)",
    path: "/links",
    headers: uncached,
  },
  {
    name: "show",
    describe: `GET /links/${SHOW_ID}.json: one link (and its comments) as JSON, by id (Nimbus's cache bypassed)`,
    path: `/links/${SHOW_ID}.json`,
    headers: uncached,
  },
  {
    name: "create",
    describe: "POST /links.json: a validated insert of a new link, 201",
    path: "/links.json",
    script: join(import.meta.dirname, "wrk/post-link.lua"),
  },
  {
    // Nimbus only; compare with page (the same request uncached) in the same run. The runner
    // also measures the hit ratio under a 95/5 read/write mix (wrk/cached-mix.lua).
    name: "cached",
    describe:
      "GET /links: the demo's link list served from Nimbus's read-through cache (first visit: a fresh session and CSRF token per request)",
    path: "/links",
  },
];
