// The command line: full runs by default, --quick for a CI smoke check, every setting overridable.
import { parseArgs } from "node:util";
import { SCENARIOS, type ScenarioName } from "../scenarios.ts";
import { TARGETS } from "../targets/index.ts";
import type { TargetName } from "../targets/target.ts";

export interface Options {
  quick: boolean;
  runs: number;
  durationS: number;
  warmupS: number;
  connections: number;
  coldStarts: number;
  seed: number;
  targets: TargetName[];
  scenarios: ScenarioName[];
  outDir: string;
  peerNode: string;
  ref: string;
}

export const USAGE = `npm run bench [-- options]

Measures the Nimbus demo against the same app written with hono-drizzle, raw-workerd, express,
fastify and hono-node; writes bench/results/<date>.json, latest.json, latest.md and latest.svg.

  --quick              short smoke run (1 run of 1 s per cell, 1 s warm-up; about a minute);
                       writes to bench/results/quick/ unless --out is given
  --runs N             measured runs per scenario and target (default 3; the median is kept)
  --duration S         seconds per run (default 10)
  --warmup S           seconds of warm-up per scenario and target (default 5)
  --connections N      wrk connections (default 50)
  --cold-starts N      process starts timed per target (default 7)
  --seed N             links seeded before measuring (default 1000)
  --targets a,b        only these targets (default all: ${TARGETS.map((t) => t.name).join(",")})
  --scenarios a,b      only these scenarios (default all that are ready)
  --out DIR            where results go (default bench/results)
  --ref REF            the demo's commit to measure (default HEAD; "worktree" for uncommitted files)
  --peer-node PATH     Node for the Node peers (default /usr/bin/node: better-sqlite3 is built for it)
  --help               this text
`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a whole number >= 1, got "${text}"`);
  return value;
}

function listOf<T extends string>(
  name: string,
  text: string | undefined,
  known: readonly T[],
): T[] {
  if (text === undefined) return [...known];
  const picked = text.split(",").map((s) => s.trim()) as T[];
  const unknown = picked.filter((p) => !known.includes(p));
  if (unknown.length > 0)
    throw new Error(`--${name}: unknown ${unknown.join(", ")} (known: ${known.join(", ")})`);
  return picked;
}

/** Options, or undefined when --help was asked for. */
export function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      runs: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      "cold-starts": { type: "string" },
      seed: { type: "string" },
      targets: { type: "string" },
      scenarios: { type: "string" },
      out: { type: "string" },
      "peer-node": { type: "string", default: "/usr/bin/node" },
      ref: { type: "string", default: "HEAD" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick;
  const ready = SCENARIOS.filter((s) => !s.pending).map((s) => s.name);
  return {
    quick,
    runs: positive("runs", values.runs, quick ? 1 : 3),
    durationS: positive("duration", values.duration, quick ? 1 : 10),
    warmupS: positive("warmup", values.warmup, quick ? 1 : 5),
    connections: positive("connections", values.connections, 50),
    coldStarts: positive("cold-starts", values["cold-starts"], quick ? 3 : 7),
    seed: positive("seed", values.seed, 1000),
    targets: listOf(
      "targets",
      values.targets,
      TARGETS.map((t) => t.name),
    ),
    scenarios: listOf("scenarios", values.scenarios, ready),
    outDir: values.out ?? (quick ? "bench/results/quick" : "bench/results"),
    peerNode: values["peer-node"],
    ref: values.ref,
  };
}
