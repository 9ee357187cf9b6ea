/**
 * RETURNING on dqlite 1.11: its QUERY request runs a writing statement without replicating it
 * (go-dqlite#141, dqlite#527 — the row is lost), and EXEC cannot return rows. So a statement
 * with RETURNING runs as a plain write, and its rows are read back on the same connection, in
 * the same transaction: the rowids it touched are recorded by TEMP triggers (connection-local,
 * never replicated) for INSERT/UPDATE/upserts; a DELETE's rows are selected before they go.
 */
import { createHash } from "node:crypto";
import { type Token, tokenize } from "../../nimbus/db/sql-text.ts";
import { StmtError } from "../libsql-server/errors.ts";

export type ReturningPlan =
  | {
      kind: "touched";
      /** Statements (no arguments) that arm the capture on this connection. */
      setup: string[];
      /** The statement without its RETURNING clause; takes the original arguments. */
      write: string;
      /** Reads the returned rows after the write (no arguments). */
      rows: string;
      /** Disarms the capture. */
      cleanup: string;
    }
  | {
      kind: "deleted";
      /** Selects the rows about to be deleted; takes the original arguments. */
      rows: string;
      write: string;
    };

const CAPTURE = "_nimbus_returning";

const unsupported = (why: string) =>
  new StmtError("SQLITE_UNKNOWN", `SQLite error: RETURNING on the mirrored database: ${why}`);

const upper = (sql: string, t: Token | undefined) =>
  t ? sql.slice(t.start, t.end).toUpperCase() : "";

/** The plan for `sql`, or null when it has no RETURNING clause. */
export function planReturning(sql: string): ReturningPlan | null {
  const tokens = tokenize(sql).filter((t) => t.kind !== "ws");
  let depth = 0;
  let at = -1;
  for (const [i, t] of tokens.entries()) {
    if (t.kind === "open") depth++;
    else if (t.kind === "close") depth--;
    else if (depth === 0 && t.kind === "word" && upper(sql, t) === "RETURNING") at = i;
  }
  if (at < 0) return null;
  const clause = tokens.slice(at + 1).filter((t) => t.kind !== "semi");
  if (clause.length === 0) throw unsupported("an empty RETURNING list");
  if (clause.some((t) => t.kind === "param")) throw unsupported("parameters in the RETURNING list");
  const list = sql.slice(clause[0]?.start, clause.at(-1)?.end);
  const returning = tokens[at] as Token;
  const write = sql.slice(0, returning.start).trimEnd();

  const first = upper(sql, tokens[0]);
  let name = 0;
  if (first === "INSERT" || first === "REPLACE") {
    name = tokens.findIndex((t) => upper(sql, t) === "INTO") + 1;
  } else if (first === "UPDATE") {
    name = upper(sql, tokens[1]) === "OR" ? 3 : 1;
  } else if (first === "DELETE") {
    name = upper(sql, tokens[1]) === "FROM" ? 2 : -1;
  } else {
    throw unsupported(`statements starting with ${first || "nothing"} (WITH … is not supported)`);
  }
  const head = tokens[name];
  if (name <= 0 || !head || (head.kind !== "word" && head.kind !== "ident")) {
    throw unsupported("could not find the table name");
  }
  let end = head.end;
  // schema.table: "." starts a token of its own ("." or ".name").
  const dot = tokens[name + 1];
  if (dot && sql[dot.start] === "." && dot.start === end) {
    end = dot.end;
    const after = tokens[name + 2];
    if (sql.slice(dot.start, dot.end) === "." && after && after.start === end) end = after.end;
  }
  const table = sql.slice(head.start, end);

  if (first === "DELETE") {
    const from = tokens[1] as Token;
    return { kind: "deleted", rows: `SELECT ${list} ${write.slice(from.start)}`, write };
  }
  const tag = createHash("sha1").update(table).digest("hex").slice(0, 12);
  const armed = `EXISTS (SELECT 1 FROM ${CAPTURE} WHERE rid IS NULL)`;
  const trigger = (event: "INSERT" | "UPDATE") =>
    `CREATE TEMP TRIGGER IF NOT EXISTS ${CAPTURE}_${tag}_${event.toLowerCase()} AFTER ${event} ON ${table} WHEN ${armed} BEGIN INSERT INTO ${CAPTURE} (rid) VALUES (NEW.rowid); END`;
  return {
    kind: "touched",
    setup: [
      `CREATE TEMP TABLE IF NOT EXISTS ${CAPTURE} (rid INTEGER)`,
      trigger("INSERT"),
      trigger("UPDATE"),
      `DELETE FROM temp.${CAPTURE}`,
      `INSERT INTO temp.${CAPTURE} (rid) VALUES (NULL)`,
    ],
    write,
    rows: `SELECT ${list} FROM ${table} WHERE rowid IN (SELECT rid FROM temp.${CAPTURE} WHERE rid IS NOT NULL)`,
    cleanup: `DELETE FROM temp.${CAPTURE}`,
  };
}
