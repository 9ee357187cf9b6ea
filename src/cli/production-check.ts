import { CliError } from "./errors.ts";

/** Var names that hold secrets: those belong in `wrangler secret put` or the node's environment. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_?KEY|CREDENTIAL/i;

/**
 * What makes a configuration unfit for production: development mode (stack traces, a made-up
 * session secret), secrets written into wrangler.toml (they ship with the bundle and sit in git),
 * and, when `secrets` (the names the deployment provides) is known, no SESSION_SECRET among them.
 */
export function productionProblems(
  vars: Record<string, string>,
  secrets?: readonly string[],
): string[] {
  const problems: string[] = [];
  if (vars.NIMBUS_ENV === "development") {
    problems.push(
      'wrangler.toml sets NIMBUS_ENV = "development": error pages would show stack traces and sessions would be signed with a made-up secret. Remove it from [vars]; `nimbus dev` puts it in .dev.vars.',
    );
  }
  for (const name of Object.keys(vars)) {
    if (SECRET_NAME.test(name)) {
      problems.push(
        `wrangler.toml's [vars] holds ${name}, which looks like a secret: it would be deployed in plain text and sits in git. Move it to .dev.vars for development and \`wrangler secret put ${name}\` (or the node's environment) for production.`,
      );
    }
  }
  if (secrets !== undefined && !secrets.includes("SESSION_SECRET") && !vars.SESSION_SECRET) {
    problems.push(
      "No SESSION_SECRET: every request would fail. Set one: `openssl rand -hex 32 | npx wrangler secret put SESSION_SECRET` (Cloudflare) or SESSION_SECRET in the nodes' environment (self-hosted).",
    );
  }
  return problems;
}

/** Throws a CliError listing every problem, so a production bundle is never made with them. */
export function assertProductionReady(
  vars: Record<string, string>,
  secrets?: readonly string[],
): void {
  const problems = productionProblems(vars, secrets);
  if (problems.length === 0) return;
  throw new CliError(
    `Refusing to build a production bundle:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    { hint: "Fix the configuration above, or use `nimbus dev` to run in development." },
  );
}
