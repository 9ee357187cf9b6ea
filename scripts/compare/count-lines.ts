// Counts the lines a person writes (not blank, not comments) for the same Links feature,
// with Nimbus and with plain Hono + drizzle; writes scripts/compare/RESULTS.md.
// Run: node scripts/compare/count-lines.ts
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dirname;

function codeLines(file: string): number {
  return readFileSync(join(here, file), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter(
      (line) => line && !line.startsWith("//") && !line.startsWith("/*") && !line.startsWith("*"),
    ).length;
}

const nimbus = codeLines("nimbus/links.ts");
const plain = codeLines("plain-hono/links.tsx");
const report = `# Lines for the Links resource (model + validation + 7 actions, HTML and JSON)

Command: \`node scripts/compare/count-lines.ts\` (lines that are not blank and not comments, biome-formatted)

| written with | file | lines |
|---|---|---|
| Nimbus | scripts/compare/nimbus/links.ts | ${nimbus} |
| plain Hono + drizzle + zod | scripts/compare/plain-hono/links.tsx | ${plain} |

Ratio: plain / Nimbus = ${(plain / nimbus).toFixed(1)}x.
The plain version still lacks what Nimbus adds to every app: a CSRF token in forms (it relies on an
Origin check only), an error summary on forms, sorting and filtering on declared fields, per_page
bounds, body size limits (413), problem details (RFC 9457), request ids and logs, error pages, secure
headers. Both files are exercised by test/worker/compare-examples.test.ts, so both counts are of working code.
`;
writeFileSync(join(here, "RESULTS.md"), report);
console.log(report);
