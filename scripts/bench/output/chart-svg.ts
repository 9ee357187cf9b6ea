// bench/results/latest.svg: one panel per scenario, a bar per target, each panel on its own
// scale (hello runs at thousands of req/s, database scenarios at hundreds).
import type { Row } from "../lib/measure.ts";
import type { TargetName } from "../targets/target.ts";

const COLORS: Record<TargetName, string> = {
  nimbus: "#2453c7",
  "nimbus-libsql": "#163a8f",
  "nimbus-mirrored": "#4a6fd0",
  "hono-drizzle-libsql": "#8fb0ec",
  "hono-drizzle": "#7a9ee8",
  "hono-drizzle-defaults": "#a9c0f0",
  "raw-workerd": "#9aa3b5",
  express: "#d08a2e",
  fastify: "#3f9d5a",
  "hono-node": "#c0504d",
};

const WIDTH = 760;
const LABEL_W = 110;
const VALUE_W = 190;
const BAR_H = 18;
const GAP = 6;
const PANEL_HEAD = 30;
const PANEL_GAP = 16;

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c,
  );

function panel(scenario: string, rows: Row[], top: number): { svg: string; height: number } {
  const max = Math.max(...rows.map((r) => r.rps), 1);
  const barSpace = WIDTH - LABEL_W - VALUE_W;
  const parts = [`<text x="0" y="${top + 18}" class="title">${escapeXml(scenario)}</text>`];
  rows.forEach((row, i) => {
    const y = top + PANEL_HEAD + i * (BAR_H + GAP);
    const w = Math.max(1, (row.rps / max) * barSpace);
    parts.push(
      `<text x="${LABEL_W - 8}" y="${y + 13}" class="label" text-anchor="end">${escapeXml(row.target)}</text>`,
      `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[row.target]}"/>`,
      `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + 13}" class="value">${row.rps.toLocaleString("en-US")} req/s · p99 ${row.p99_ms} ms</text>`,
    );
  });
  return { svg: parts.join("\n"), height: PANEL_HEAD + rows.length * (BAR_H + GAP) + PANEL_GAP };
}

export function chartSvg(rows: Row[], caption: string): string {
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  let top = 40;
  const panels: string[] = [];
  for (const scenario of scenarios) {
    const p = panel(
      scenario,
      rows.filter((r) => r.scenario === scenario),
      top,
    );
    panels.push(p.svg);
    top += p.height;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="system-ui, sans-serif">
<style>.title{font-size:15px;font-weight:700;fill:#1d2330}.label{font-size:12px;fill:#1d2330}.value{font-size:11px;fill:#444}.caption{font-size:12px;fill:#555}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="0" y="16" class="title">Requests per second (median), higher is better</text>
<text x="0" y="32" class="caption">${escapeXml(caption)}</text>
${panels.join("\n")}
</svg>
`;
}
