/**
 * What a client may not run over the protocol: statements that touch files on the server or
 * the database's file format — ATTACH (opens or creates any file), VACUUM INTO (writes one),
 * load_extension (loads code), and PRAGMAs that change the journal, locking or schema storage.
 *
 * Refused by reading the statement (sql-text.ts tokens), not by an SQLite authorizer: the
 * libsql binding (0.5) only offers a per-table allow/deny authorizer that also denies every
 * PRAGMA, transaction and function call, which would break ordinary apps and migrations.
 * The reader sees through comments, quoting and case, so these cannot be smuggled past it.
 */
import { type Statement, tokenize } from "../../nimbus/db/sql-text.ts";
import { StmtError } from "./errors.ts";

/** Functions that load code or touch files/pointers. */
const FUNCTIONS = new Set(["load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"]);
/** PRAGMAs refused whatever their value. */
const PRAGMAS = new Set([
  "temp_store_directory",
  "data_store_directory",
  "writable_schema",
  "key",
  "rekey",
  "hexkey",
  "hexrekey",
  "textkey",
  "textrekey",
]);
/** PRAGMAs that may be read but not set. */
const READ_ONLY_PRAGMAS = new Set(["journal_mode", "locking_mode", "page_size", "mmap_size"]);

function denied(what: string): StmtError {
  return new StmtError(
    "SQLITE_AUTH",
    `SQLite error: not authorized: ${what} is refused over the protocol (it touches files on the server)`,
  );
}

/** The words of a statement (keywords and identifiers, unquoted, lower case). */
function words(sql: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(sql)) {
    if (t.kind === "word") out.push(sql.slice(t.start, t.end).toLowerCase());
    else if (t.kind === "ident") out.push(sql.slice(t.start + 1, t.end - 1).toLowerCase());
    else if (t.kind === "other" || t.kind === "open") out.push(sql.slice(t.start, t.end));
  }
  return out;
}

/**
 * PRAGMA [schema.]name [= value | (value)]: its name, and whether it has an argument. The
 * tokenizer reads `.name` after a schema as one token.
 */
function pragma(w: string[]): { name: string; setting: boolean } {
  let i = 2;
  let name = w[1] ?? "";
  if (w[2]?.startsWith(".")) {
    name = w[2] === "." ? (w[3] ?? "") : w[2].slice(1);
    i = w[2] === "." ? 4 : 3;
  }
  return { name, setting: w[i] === "=" || w[i] === "(" };
}

/** PRAGMAs with an argument that only read (introspection), allowed to read-only tokens. */
const INTROSPECTION = new Set([
  "table_info",
  "table_xinfo",
  "table_list",
  "index_list",
  "index_info",
  "index_xinfo",
  "foreign_key_list",
  "foreign_key_check",
  "integrity_check",
  "quick_check",
]);

/** Verdicts per analysed statement (sql-text's analyze() hands out the same objects again). */
const verdicts = new WeakMap<Statement, StmtError | null>();

/** Throws SQLITE_AUTH for a statement the server refuses (see the module comment). */
export function checkAllowed(st: Statement): void {
  let verdict = verdicts.get(st);
  if (verdict === undefined) {
    verdict = refusal(st);
    verdicts.set(st, verdict);
  }
  if (verdict !== null) throw verdict;
}

function refusal(st: Statement): StmtError | null {
  try {
    refuse(st);
    return null;
  } catch (err) {
    if (err instanceof StmtError) return err;
    throw err;
  }
}

function refuse(st: Statement): void {
  const w = words(st.sql);
  const first = w[0];
  if (first === "attach") throw denied("ATTACH");
  if (first === "vacuum" && w.includes("into")) throw denied("VACUUM INTO");
  for (const word of w) if (FUNCTIONS.has(word)) throw denied(`${word}()`);
  if (first === "pragma") {
    const { name, setting } = pragma(w);
    if (PRAGMAS.has(name)) throw denied(`PRAGMA ${name}`);
    if (READ_ONLY_PRAGMAS.has(name) && setting) throw denied(`Setting PRAGMA ${name}`);
  }
}

/** What a read-only token may run: reads, EXPLAIN and transaction control. */
export function checkReadOnly(st: Statement): void {
  if (st.kind === "read" || st.kind === "explain" || st.kind === "transaction") return;
  const w = words(st.sql);
  if (w[0] === "pragma") {
    const { name, setting } = pragma(w);
    if (!setting || INTROSPECTION.has(name)) return;
  }
  throw new StmtError(
    "SQLITE_AUTH",
    "SQLite error: not authorized: this token grants read-only access (JWT claim a=ro)",
  );
}
