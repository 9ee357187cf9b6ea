import { CliError } from "../errors.ts";
import type { Project } from "../project.ts";
import { runTool } from "../tools.ts";
import type { DatabaseTarget } from "./engine.ts";

/** The Cloudflare D1 database, through wrangler (it holds the account's credentials). */
export function d1Remote(project: Project): DatabaseTarget {
  const d1 = (args: string[], inherit: boolean) =>
    runTool("wrangler", ["d1", ...args, project.binding, "--remote"], {
      cwd: project.root,
      inherit,
    });
  const refuse = async (): Promise<never> => {
    throw new CliError("Refused on the remote database: this drops or rewrites data.", {
      hint: "Run it on the local database (without --remote).",
    });
  };
  return {
    label: `remote D1 ${project.binding}`,
    migrate: async () => {
      const output = await d1(["migrations", "apply"], false);
      return [...output.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((match) => match[1] as string);
    },
    status: async () => {
      await d1(["migrations", "list"], true);
    },
    query: async <Row>(statement: string) => {
      const output = await runTool(
        "wrangler",
        ["d1", "execute", project.binding, "--remote", "--json", "--command", statement],
        { cwd: project.root },
      );
      const results = JSON.parse(output.slice(output.indexOf("["))) as { results: Row[] }[];
      return results.flatMap((result) => result.results);
    },
    runFile: refuse,
    dropAll: refuse,
    close: async () => {},
  };
}
