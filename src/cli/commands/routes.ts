import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { importBundled } from "../bundle.ts";
import { defineCommand } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { say, step } from "../progress.ts";
import { findProject, readWranglerToml } from "../project.ts";

interface Route {
  method: string;
  path: string;
}

/** Hono keeps middleware in `routes` too, as method ALL; a route is anything else. */
export function routeTable(routes: readonly Route[]): string {
  const seen = new Set<string>();
  const rows: [string, string][] = [];
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const path = route.path.replace(/\{[^}]*\}/g, "");
    const key = `${route.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push([route.method, path]);
  }
  const width = Math.max(6, ...rows.map(([method]) => method.length));
  return [
    `${"METHOD".padEnd(width)}  PATH`,
    ...rows.map(([method, path]) => `${method.padEnd(width)}  ${path}`),
  ].join("\n");
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
    const entry = `./${relative(project.root, `${project.root}/${top.main}`)}`;
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
