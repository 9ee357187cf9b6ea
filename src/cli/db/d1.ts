import { CliError } from "../errors.ts";
import type { Project } from "../project.ts";
import { runTool } from "../tools.ts";
import type { DatabaseTarget } from "./engine.ts";

const INTERNAL = "name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'";

/** D1 through wrangler: local (Miniflare's SQLite under .wrangler/) or the Cloudflare database. */
export function d1(project: Project, remote: boolean): DatabaseTarget {
  const where = remote ? "--remote" : "--local";
  const wrangler = (args: string[], inherit = true) =>
    runTool("wrangler", ["d1", ...args, project.binding, where], { cwd: project.root, inherit });
  const query = async <Row>(statement: string): Promise<Row[]> => {
    const args = ["d1", "execute", project.binding, where, "--json", "--command", statement];
    const output = await runTool("wrangler", args, { cwd: project.root }).catch((error: CliError) => {
      // wrangler reports SQL errors as JSON: show SQLite's message, not the whole output.
      const text = /"text":\s*"((?:[^"\\]|\\.)*)"/.exec(error.hint ?? "")?.[1];
      throw text ? new CliError(`SQL error: ${JSON.parse(`"${text}"`)}`) : error;
    });
    const results = JSON.parse(output.slice(output.indexOf("["))) as { results: Row[] }[];
    return results.flatMap((result) => result.results);
  };
  return {
    label: `${remote ? "remote" : "local"} D1 (${project.binding})`,
    migrate: async () => {
      const output = await wrangler(["migrations", "apply"], false);
      return [...output.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((match) => match[1] as string);
    },
    status: async () => {
      await wrangler(["migrations", "list"]);
    },
    query,
    runFile: async (path) => {
      await runTool("wrangler", ["d1", "execute", project.binding, where, "--file", path], {
        cwd: project.root,
      });
    },
    dropAll: async () => {
      const tables = await query<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND ${INTERNAL}`,
      );
      if (tables.length === 0) return [];
      const names = tables.map((table) => table.name);
      // Foreign keys are checked at commit, so the order of the drops doesn't matter.
      const drops = [
        "PRAGMA defer_foreign_keys = on",
        ...names.map((name) => `DROP TABLE IF EXISTS "${name}"`),
      ];
      await query(drops.join("; "));
      return names;
    },
  };
}
