import { CliError } from "../errors.ts";
import type { DatabaseTarget } from "./engine.ts";

/**
 * The seam for libSQL (DATABASE_URL): it waits for the libSQL migrator in src/nimbus/db/.
 * Until then every command says so instead of touching the wrong database.
 */
export function libsql(url: string): DatabaseTarget {
  const unsupported = async (): Promise<never> => {
    throw new CliError(
      `DATABASE_URL is set (${url}), and \`nimbus db\` can't work with libSQL yet.`,
      {
        hint: "Unset DATABASE_URL to use the local D1 database; `nimbus db serve` starts a local libSQL server.",
      },
    );
  };
  return {
    label: `libSQL (${url})`,
    migrate: unsupported,
    status: unsupported,
    query: unsupported,
    runFile: unsupported,
    dropAll: unsupported,
  };
}
