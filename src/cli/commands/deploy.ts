import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { assertProductionReady } from "../production-check.ts";
import { say, step } from "../progress.ts";
import { findProject, type Project, readWranglerToml } from "../project.ts";
import { runTool } from "../tools.ts";

/** Cloudflare's Worker size limits, on the gzip-compressed upload. */
const LIMITS = { free: 3 * 1024 * 1024, paid: 10 * 1024 * 1024 };

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Raw and gzip sizes of the bundle wrangler wrote (scripts, wasm; not source maps). */
export function bundleSize(dir: string): { raw: number; gzip: number; files: string[] } {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) =>
    /\.(m?js|wasm)$/.test(file),
  );
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    raw += statSync(join(dir, file)).size;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files };
}

export function sizeReport(size: { raw: number; gzip: number }): string {
  const share = (limit: number) =>
    `${((size.gzip / limit) * 100).toFixed(1)}% of ${limit / 1024 / 1024} MB`;
  return [
    `Bundle: ${kib(size.raw)} raw, ${kib(size.gzip)} gzip`,
    `  Workers Free limit (3 MB gzip):  ${share(LIMITS.free)}${size.gzip > LIMITS.free ? "  OVER" : ""}`,
    `  Workers Paid limit (10 MB gzip): ${share(LIMITS.paid)}${size.gzip > LIMITS.paid ? "  OVER" : ""}`,
  ].join("\n");
}

/** The names of the Worker's secrets on Cloudflare (`wrangler secret list`). */
async function deployedSecrets(project: Project): Promise<string[]> {
  const output = await runTool("wrangler", ["secret", "list", "--format", "json"], {
    cwd: project.root,
  });
  const start = output.indexOf("[");
  const list = JSON.parse(start === -1 ? "[]" : output.slice(start)) as { name: string }[];
  return list.map((secret) => secret.name);
}

/**
 * `--var` flags wrangler deploy gets: on Cloudflare's edge CF-Connecting-IP is set by Cloudflare,
 * so it is the client address to trust, unless the config already says who to trust.
 */
export function deployVars(vars: Record<string, string>): string[] {
  return vars.NIMBUS_TRUSTED_PROXIES === undefined
    ? ["--var", "NIMBUS_TRUSTED_PROXIES:cloudflare"]
    : [];
}

export const deployCommand = defineCommand({
  name: "deploy",
  summary:
    "Deploy with wrangler; --dry-run bundles and checks the size against Cloudflare's limits",
  usage: "nimbus deploy [--dry-run]",
  description: [
    "Runs wrangler deploy. With --dry-run nothing is uploaded and no network is needed: the bundle",
    "is written to dist/ and its raw and gzip sizes are shown against the Workers limits",
    "(3 MB gzip on the Free plan, 10 MB on Paid). Apply migrations first: nimbus db migrate --remote.",
  ].join("\n"),
  options: {
    "dry-run": {
      type: "boolean",
      description: "Bundle to dist/ and report the size; upload nothing",
    },
    outdir: {
      type: "string",
      placeholder: "dir",
      description: "Where --dry-run writes the bundle (default dist)",
    },
  },
  examples: ["npx nimbus deploy --dry-run", "npx nimbus deploy"],
  async run(positionals, flags) {
    if (positionals.length > 0)
      throw new UsageError(`deploy takes no arguments; got ${positionals.join(" ")}.`);
    const project = findProject();
    const { vars } = readWranglerToml(readFileSync(project.configPath, "utf8"));
    if (!flags["dry-run"]) {
      const secrets = await step("Checking the Worker's secrets (wrangler secret list)", () =>
        deployedSecrets(project),
      );
      assertProductionReady(vars, secrets);
      await runTool("wrangler", ["deploy", ...deployVars(vars)], {
        cwd: project.root,
        inherit: true,
      });
      return;
    }
    // Offline: the secrets can't be listed, but the configuration can be checked.
    assertProductionReady(vars);
    const outdir = join(project.root, flags.outdir ?? "dist");
    await step("Bundling (wrangler deploy --dry-run)", () =>
      runTool("wrangler", ["deploy", "--dry-run", "--outdir", outdir, ...deployVars(vars)], {
        cwd: project.root,
      }),
    );
    const size = bundleSize(outdir);
    say(sizeReport(size));
  },
});
