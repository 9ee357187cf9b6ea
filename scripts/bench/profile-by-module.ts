/**
 * Self time of a CPU profile per module of the bundle it ran: esbuild marks each module's code in
 * the unminified bundle with a `// path` line, so every sampled line falls under one module.
 * Native frames and the runtime's own (cloudflare-internal:…) are grouped by name. µs per request.
 *   node scripts/bench/profile-by-module.ts PROFILE.cpuprofile REQUESTS BUNDLE.js
 * (the profile and its request count from profile.ts; the bundle from
 * `wrangler deploy --dry-run --no-minify --outdir DIR` of the same tree, as profile.ts builds it)
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, requests, bundle] = process.argv.slice(2);
if (!file || !requests || !bundle) {
  console.error("usage: profile-by-module.ts PROFILE.cpuprofile REQUESTS BUNDLE.js");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const moduleAt: string[] = [];
let current = "(bundle preamble)";
for (const [i, line] of readFileSync(bundle, "utf8").split("\n").entries()) {
  const marker = /^\/\/ (\S+\.(?:js|mjs|ts|tsx))$/.exec(line);
  if (marker?.[1]) current = marker[1].replace(/^(\.\.\/)+/, "");
  moduleAt[i] = current;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const bundleName = bundle.split("/").pop() ?? bundle;
const sums = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)?.callFrame;
  if (!frame) return;
  const key = frame.url.endsWith(bundleName)
    ? (moduleAt[frame.lineNumber] ?? "?")
    : frame.url.startsWith("cloudflare-internal:") || frame.url.startsWith("node-internal:")
      ? frame.url.split(":").slice(0, 2).join(":")
      : `(native) ${frame.functionName || "anonymous"}`;
  sums.set(key, (sums.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const perRequest = (us: number) => (us / Number(requests)).toFixed(1).padStart(8);
let all = 0;
for (const [key, us] of [...sums].sort((a, b) => b[1] - a[1])) {
  all += us;
  if (us / Number(requests) >= 1) console.log(`${perRequest(us)}  ${key}`);
}
console.log(`${perRequest(all)}  all samples (idle included)`);
