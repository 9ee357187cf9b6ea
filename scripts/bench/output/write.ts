import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chartSvg } from "./chart-svg.ts";
import { markdown } from "./markdown.ts";
import type { Results } from "./results.ts";

/** <date>.json plus latest.json, latest.md and latest.svg; returns the paths written. */
export function writeResults(dir: string, results: Results): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = results.header.date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const s = results.header.settings;
  const caption = `${results.header.date.slice(0, 10)} · ${results.header.machine.nproc} cores · wrk -c${s.connections}, ${s.runs}×${s.duration_s} s · server and wrk pinned to separate cores`;
  const files: [string, string][] = [
    [`${stamp}.json`, json],
    ["latest.json", json],
    ["latest.md", markdown(results)],
    ["latest.svg", chartSvg(results.rows, caption)],
  ];
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
