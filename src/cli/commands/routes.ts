import { readFileSync } from "node:fs";
import { importBundled } from "../bundle.ts";
import { defineCommand } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { say, step } from "../progress.ts";
import { findProject, readWranglerToml } from "../project.ts";

interface Route {
  method: string;
  path: string;
  handler?: unknown;
}

/** The mark nimbus-web puts on a resource's `_method` POST (Symbol.for: the same across bundles). */
const FORM_METHOD_OVERRIDE = Symbol.for("nimbus.formMethodOverride");

function isFormOverride(route: Route): boolean {
  return typeof route.handler === "function" && FORM_METHOD_OVERRIDE in route.handler;
}

/**
 * The routes as a table. Hono keeps middleware in `routes` too, as method ALL: a route is anything
 * else. A resource's POST on a record is how HTML forms reach PATCH and DELETE (`_method`); a
 * plain POST beside a DELETE is just a POST.
 */
export function routeTable(routes: readonly Route[]): string {
  const rows = new Map<string, Route & { tunnel: boolean }>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const path = route.path.replace(/\{[^}]*\}/g, "");
    const key = `${route.method} ${path}`;
    const tunnel = (rows.get(key)?.tunnel ?? false) || isFormOverride(route);
    rows.set(key, { method: route.method, path, tunnel });
  }
  const tunnel = (row: { tunnel: boolean }) => row.tunnel;
  const width = Math.max(6, ...[...rows.values()].map((row) => row.method.length));
  const pathWidth = Math.max(...[...rows.values()].map((row) => row.path.length));
  const lines = [`${"METHOD".padEnd(width)}  PATH`];
  for (const row of rows.values()) {
    const note = tunnel(row)
      ? `${" ".repeat(pathWidth - row.path.length)}  (forms: _method=PATCH or DELETE)`
      : "";
    lines.push(`${row.method.padEnd(width)}  ${row.path}${note}`);
  }
  return lines.join("\n");
}

export const routesCommand = defineCommand({
  name: "routes",
  summary: "List every route of the app: method and path",
  usage: "nimbus routes",
  description: [
    "Loads the Worker entry (wrangler.toml `main`) in Node, bundled by esbuild, and prints its routes.",
    "Resource routes also answer JSON: a .json suffix or Accept: application/json.",
  ].join("\n"),
  options: {},
  async run(positionals) {
    if (positionals.length > 0)
      throw new UsageError(`routes takes no arguments; got ${positionals.join(" ")}.`);
    const project = findProject();
    const { top } = readWranglerToml(readFileSync(project.configPath, "utf8"));
    const entry = `./${top.main?.replace(/^\.\//, "")}`;
    const loaded = await step(`Loading ${entry}`, () =>
      importBundled<{ default?: { routes?: Route[] } }>(
        project,
        `export { default } from ${JSON.stringify(entry)};`,
        project.root,
      ),
    );
    const routes = loaded.default?.routes;
    if (!routes)
      throw new CliError(`${entry} has no default export with routes.`, {
        hint: "Export the app: export default app;",
      });
    say(routeTable(routes));
  },
});
