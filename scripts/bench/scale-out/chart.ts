/**
 * bench/results/scale-out.svg from scale-out.json: efficiency (throughput(N) / (N × throughput(1)))
 * at each node count, uncached and cached, against the 0.9 goal, with each bar's req/s.
 *   node scripts/bench/scale-out/chart.ts [bench/results]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Row {
  nodes: number;
  rps: number;
  efficiency: number;
}

const GOAL = 0.9;
const WIDTH = 640;
const HEIGHT = 300;
const PLOT = { left: 50, right: 20, top: 40, bottom: 50 };
const SERIES = [
  { key: "rows", label: "uncached", color: "#2453c7" },
  { key: "cached_rows", label: "cached", color: "#3f9d5a" },
] as const;

export function scaleOutChart(results: Record<string, unknown>): string {
  const series = SERIES.map((s) => ({ ...s, rows: (results[s.key] ?? []) as Row[] }));
  const nodes = [...new Set(series.flatMap((s) => s.rows.map((r) => r.nodes)))].sort(
    (a, b) => a - b,
  );
  const top = Math.max(1.4, ...series.flatMap((s) => s.rows.map((r) => r.efficiency)));
  const plotW = WIDTH - PLOT.left - PLOT.right;
  const plotH = HEIGHT - PLOT.top - PLOT.bottom;
  const y = (value: number) => PLOT.top + plotH * (1 - value / top);
  const group = plotW / nodes.length;
  const bar = (group * 0.7) / series.length;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${PLOT.left}" y="18" font-size="13" font-weight="bold">Scale-out efficiency: throughput(N) / (N × throughput(1)), goal ≥ ${GOAL}</text>`,
  ];
  for (const tick of [0, 0.5, 1]) {
    out.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${PLOT.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  out.push(
    `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(GOAL)}" y2="${y(GOAL)}" stroke="#c0504d" stroke-dasharray="4 3"/>`,
    `<text x="${WIDTH - PLOT.right}" y="${y(GOAL) - 4}" text-anchor="end" fill="#c0504d">goal ${GOAL}</text>`,
  );
  nodes.forEach((n, i) => {
    const x0 = PLOT.left + group * i + group * 0.15;
    series.forEach((s, j) => {
      const row = s.rows.find((r) => r.nodes === n);
      if (!row) return;
      const x = x0 + bar * j;
      out.push(
        `<rect x="${x}" y="${y(row.efficiency)}" width="${bar - 2}" height="${y(0) - y(row.efficiency)}" fill="${s.color}"/>`,
        `<text x="${x + bar / 2 - 1}" y="${y(row.efficiency) - 4}" text-anchor="middle">${row.rps}/s</text>`,
      );
    });
    out.push(
      `<text x="${x0 + bar * series.length * 0.5}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="middle">${n} node${n > 1 ? "s" : ""}</text>`,
    );
  });
  series.forEach((s, j) => {
    const x = PLOT.left + j * 200;
    out.push(
      `<rect x="${x}" y="${HEIGHT - 18}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${x + 14}" y="${HEIGHT - 9}">${s.label} (req/s on each bar)</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

if (import.meta.main) {
  const dir = process.argv[2] ?? "bench/results";
  const results = JSON.parse(readFileSync(join(dir, "scale-out.json"), "utf8"));
  writeFileSync(join(dir, "scale-out.svg"), scaleOutChart(results));
  console.log(`Wrote ${join(dir, "scale-out.svg")}`);
}
