/** How a replica's failure is judged: the statement's own fault, a busy moment, or a dead node. */

export type FailureKind = "statement" | "busy" | "node";

const BUSY = /^SQLITE_(BUSY|LOCKED)/;
// sqld and the local server report most engine errors ("no such table") as SQLITE_UNKNOWN.
const STATEMENT = /^(SQLITE_(ERROR|UNKNOWN|CONSTRAINT|MISMATCH|RANGE|TOOBIG|AUTH)|SQL_)/;

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * "statement": the query itself failed (syntax, missing table on a replica behind in schema):
 * the primary has the last word. "busy": try elsewhere, the node is fine. "node": the replica
 * is unreachable, timed out or broken: skip it for a while.
 */
export function classifyFailure(error: unknown): FailureKind {
  const code = codeOf(error);
  if (code === undefined) return "node";
  if (BUSY.test(code)) return "busy";
  return STATEMENT.test(code) ? "statement" : "node";
}
