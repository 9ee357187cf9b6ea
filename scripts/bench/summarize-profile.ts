/**
 * Reads a V8 .cpuprofile and prints where the time went: self time per function and inclusive
 * time per function (a function counted once per sample however deep it recurses), as shares of
 * all samples, and per source file.
 *   node scripts/bench/summarize-profile.ts FILE.cpuprofile [--top 40] [--match TEXT]
 * --match keeps inclusive rows whose function or file contains TEXT.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  type CallFrame,
  type CpuProfile,
  heaviest,
  summarizeProfile,
} from "./lib/profile-summary.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "40" }, match: { type: "string" } },
});
const top = Number(values.top);
const file = positionals[0];
if (!file) throw new Error("usage: summarize-profile.ts FILE.cpuprofile");
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;

/** The path from node_modules/, src/ or scripts/ on. */
const shortUrl = (frame: CallFrame) =>
  frame.url.replace(/^.*\/(node_modules|src|scripts)\//, "$1/") || "(native)";
const label = (frame: CallFrame) =>
  `${frame.functionName || "(anonymous)"} ${shortUrl(frame)}:${frame.lineNumber + 1}`;
const { all, self, total, perFile } = summarizeProfile(profile, {
  label,
  file: shortUrl,
  sampleTime: "untilNext",
});

const pct = (t: number) => `${((100 * t) / all).toFixed(1).padStart(5)} %`;
const print = (title: string, map: Map<string, number>, filter?: (k: string) => boolean) => {
  console.log(`\n## ${title}`);
  for (const [k, t] of heaviest(map)
    .filter(([k]) => filter?.(k) ?? true)
    .slice(0, top))
    console.log(`${pct(t)}  ${k}`);
};
console.log(`${file}: ${(all / 1000).toFixed(0)} ms sampled`);
print("self time", self);
print("self time per file", perFile);
print(
  "inclusive time",
  total,
  values.match ? (k) => k.includes(values.match as string) : undefined,
);
