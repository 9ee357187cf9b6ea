/**
 * Reads a V8 .cpuprofile and prints where the time went: self time per function and inclusive
 * time per function (a function counted once per sample however deep it recurses), as shares of
 * all samples, and per source file.
 *   node scripts/bench/summarize-profile.ts FILE.cpuprofile [--top 40] [--match TEXT]
 * --match keeps inclusive rows whose function or file contains TEXT.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "40" }, match: { type: "string" } },
});
const top = Number(values.top);
const file = positionals[0];
if (!file) throw new Error("usage: summarize-profile.ts FILE.cpuprofile");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const shortUrl = (url: string) =>
  url.replace(/^.*\/(node_modules|src|scripts)\//, "$1/") || "(native)";
const label = (n: Node) =>
  `${n.callFrame.functionName || "(anonymous)"} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const perFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id);
  if (!node) return;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const f = shortUrl(node.callFrame.url);
  perFile.set(f, (perFile.get(f) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur) as Node);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
  }
});

const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
const print = (title: string, map: Map<string, number>, filter?: (k: string) => boolean) => {
  console.log(`\n## ${title}`);
  [...map.entries()]
    .filter(([k]) => filter?.(k) ?? true)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, t]) => {
      console.log(`${pct(t)}  ${k}`);
    });
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print("self time", self);
print("self time per file", perFile);
print(
  "inclusive time",
  inclusive,
  values.match ? (k) => k.includes(values.match as string) : undefined,
);
