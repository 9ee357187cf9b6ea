import { join } from "node:path";

/** The link the show scenario reads: in the middle of the seeded 1,000. */
export const SHOW_ID = 500;

export type ScenarioName = "hello" | "page" | "show" | "create" | "cached";

export interface Scenario {
  name: ScenarioName;
  describe: string;
  path: string;
  /** A wrk Lua script for requests other than a plain GET. */
  script?: string;
  /** Set while the feature the scenario needs doesn't exist; the runner lists it and skips it. */
  pending?: string;
}

export const SCENARIOS: Scenario[] = [
  { name: "hello", describe: "GET /hello: a constant text response", path: "/hello" },
  {
    name: "page",
    describe: "GET /links: the link list as HTML, 20 rows read from the database",
    path: "/links",
  },
  {
    name: "show",
    describe: `GET /links/${SHOW_ID}.json: one link (and its comments) as JSON, by id`,
    path: `/links/${SHOW_ID}.json`,
  },
  {
    name: "create",
    describe: "POST /links.json: a validated insert of a new link, 201",
    path: "/links.json",
    script: join(import.meta.dirname, "wrk/post-link.lua"),
  },
  {
    // The hook: give it a path (a page served from Nimbus's cache) and drop `pending`.
    name: "cached",
    describe: "a page served from Nimbus's read-through cache",
    path: "/links",
    pending: "waits for the read-through cache (src/nimbus/cache)",
  },
];
