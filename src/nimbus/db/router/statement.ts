import type { InStatement } from "@libsql/client/web";
import { analyze } from "../sql-text.ts";

/** The SQL text of a statement in any of the forms @libsql/client accepts. */
export function sqlOf(stmt: InStatement | [string, unknown?]): string {
  if (typeof stmt === "string") return stmt;
  if (Array.isArray(stmt)) return stmt[0];
  return stmt.sql;
}

/**
 * True for a single SELECT/VALUES (WITH … SELECT included): the only statements a replica may
 * serve. Anything else — writes, DDL, PRAGMA, several statements — goes to the primary.
 */
export function isRead(sql: string): boolean {
  const statements = analyze(sql);
  return statements.length === 1 && statements[0]?.kind === "read";
}
