/**
 * Reads SQL text the way sqld's parser front-end does, without executing it: splits a script
 * into statements (trigger bodies included), tells what kind each is, and numbers its
 * parameters. Own code because the libsql binding exposes neither the statement tail nor
 * sqlite3_bind_parameter_name; the splitter follows sqlite3_complete()'s state machine.
 */

export type TokenKind = "ws" | "semi" | "word" | "ident" | "param" | "open" | "close" | "other";
export type Token = { kind: TokenKind; start: number; end: number };

const isWordStart = (c: string) => /[A-Za-z_]/.test(c) || c > "\x7f";
const isWordChar = (c: string) => /[A-Za-z0-9_$]/.test(c) || c > "\x7f";

function skipQuoted(sql: string, i: number, close: string): number {
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] !== close) continue;
    if (close !== "]" && sql[j + 1] === close) j++;
    else return j + 1;
  }
  return sql.length;
}

/** The tokens of SQL text; comments count as whitespace (`ws`). */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const start = i;
    let kind: TokenKind = "other";
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i] as string)) i++;
      kind = "ws";
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
      kind = "ws";
    } else if (c === "/" && sql[i + 1] === "*") {
      const endc = sql.indexOf("*/", i + 2);
      i = endc < 0 ? sql.length : endc + 2;
      kind = "ws";
    } else if (c === "'") {
      i = skipQuoted(sql, i, "'");
    } else if (c === '"' || c === "`") {
      i = skipQuoted(sql, i, c);
      kind = "ident";
    } else if (c === "[") {
      i = skipQuoted(sql, i, "]");
      kind = "ident";
    } else if (c === ";") {
      i++;
      kind = "semi";
    } else if (c === "(" || c === ")") {
      i++;
      kind = c === "(" ? "open" : "close";
    } else if (c === "?") {
      i++;
      while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
      kind = "param";
    } else if ((c === ":" || c === "@" || c === "$") && isWordChar(sql[i + 1] ?? " ")) {
      i++;
      while (i < sql.length && (isWordChar(sql[i] as string) || sql.startsWith("::", i))) {
        i += sql.startsWith("::", i) ? 2 : 1;
      }
      kind = "param";
    } else if (isWordStart(c)) {
      while (i < sql.length && isWordChar(sql[i] as string)) i++;
      kind = "word";
    } else if (/[0-9.]/.test(c)) {
      while (i < sql.length && /[0-9A-Za-z_.]/.test(sql[i] as string)) i++;
    } else {
      i++;
    }
    tokens.push({ kind, start, end: i });
  }
  return tokens;
}

// sqlite3_complete(): token classes and the state after each (1 = between statements).
const SEMI = 0;
const WS = 1;
const OTHER = 2;
const EXPLAIN = 3;
const CREATE = 4;
const TEMP = 5;
const TRIGGER = 6;
const END = 7;
const TRANSITIONS = [
  [1, 0, 2, 3, 4, 2, 2, 2],
  [1, 1, 2, 3, 4, 2, 2, 2],
  [1, 2, 2, 2, 2, 2, 2, 2],
  [1, 3, 3, 2, 4, 2, 2, 2],
  [1, 4, 2, 2, 2, 4, 5, 2],
  [6, 5, 5, 5, 5, 5, 5, 5],
  [6, 6, 5, 5, 5, 5, 5, 7],
  [1, 7, 5, 5, 5, 5, 5, 5],
];
const KEYWORD_CLASS: Record<string, number> = {
  EXPLAIN,
  CREATE,
  TEMP,
  TEMPORARY: TEMP,
  TRIGGER,
  END,
};

export type StatementKind =
  | "read" // SELECT, VALUES
  | "insert"
  | "update-delete"
  | "transaction" // BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE
  | "connection-state" // PRAGMA, ATTACH, DETACH, CREATE TEMP …: changes only this connection
  | "explain"
  | "other"; // DDL and the rest

export type Param = { index: number; name: string | null };

export type Statement = {
  /** The statement's text from its first token to its terminating semicolon (if any). */
  sql: string;
  kind: StatementKind;
  /** Parameters numbered as SQLite numbers them: `?`, `?NNN`, `:name`, `@name`, `$name`. */
  params: Param[];
  /** sqlite3_bind_parameter_count(): the largest parameter index. */
  paramCount: number;
};

const word = (sql: string, t: Token) => sql.slice(t.start, t.end).toUpperCase();

function classify(sql: string, tokens: Token[]): StatementKind {
  const significant = tokens.filter((t) => t.kind !== "ws");
  const first = significant[0] ? word(sql, significant[0]) : "";
  switch (first) {
    case "SELECT":
    case "VALUES":
      return "read";
    case "INSERT":
    case "REPLACE":
      return "insert";
    case "UPDATE":
    case "DELETE":
      return "update-delete";
    case "BEGIN":
    case "COMMIT":
    case "END":
    case "ROLLBACK":
    case "SAVEPOINT":
    case "RELEASE":
      return "transaction";
    case "PRAGMA":
    case "ATTACH":
    case "DETACH":
      return "connection-state";
    case "EXPLAIN":
      return "explain";
    case "CREATE": {
      const second = significant[1] ? word(sql, significant[1]) : "";
      return second === "TEMP" || second === "TEMPORARY" ? "connection-state" : "other";
    }
    case "WITH": {
      let depth = 0;
      for (const t of significant) {
        if (t.kind === "open") depth++;
        else if (t.kind === "close") depth--;
        else if (depth === 0 && t.kind === "word") {
          const w = word(sql, t);
          if (w === "SELECT" || w === "VALUES") return "read";
          if (w === "INSERT" || w === "REPLACE") return "insert";
          if (w === "UPDATE" || w === "DELETE") return "update-delete";
        }
      }
      return "other";
    }
    default:
      return "other";
  }
}

function numberParams(sql: string, tokens: Token[]): { params: Param[]; paramCount: number } {
  const params: Param[] = [];
  const byName = new Map<string, number>();
  let max = 0;
  for (const t of tokens) {
    if (t.kind !== "param") continue;
    const text = sql.slice(t.start, t.end);
    if (text === "?") {
      params.push({ index: ++max, name: null });
      continue;
    }
    let index = byName.get(text);
    if (index === undefined) {
      index = text.startsWith("?") ? Number(text.slice(1)) : max + 1;
      byName.set(text, index);
      params.push({ index, name: text });
    }
    max = Math.max(max, index);
  }
  return { params, paramCount: max };
}

function toStatement(sql: string, tokens: Token[]): Statement {
  const first = tokens.find((t) => t.kind !== "ws");
  const last = tokens.at(-1);
  const start = first?.start ?? 0;
  const text = sql.slice(start, last?.end ?? start);
  return { sql: text, kind: classify(sql, tokens), ...numberParams(sql, tokens) };
}

/** Splits SQL text into its statements; empty statements (`;;`, comments) are dropped. */
export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let current: Token[] = [];
  let state = 0;
  for (const t of tokenize(sql)) {
    let cls = OTHER;
    if (t.kind === "semi") cls = SEMI;
    else if (t.kind === "ws") cls = WS;
    else if (t.kind === "word") cls = KEYWORD_CLASS[word(sql, t)] ?? OTHER;
    state = TRANSITIONS[state]?.[cls] ?? OTHER;
    current.push(t);
    if (t.kind === "semi" && state === 1) {
      if (current.some((c) => c.kind !== "ws" && c.kind !== "semi")) {
        statements.push(toStatement(sql, current));
      }
      current = [];
    }
  }
  if (current.some((c) => c.kind !== "ws" && c.kind !== "semi")) {
    statements.push(toStatement(sql, current));
  }
  return statements;
}

const cache = new Map<string, Statement[]>();
const CACHE_SIZE = 512;

/** {@link splitStatements} with a small cache: apps send the same texts again and again. */
export function analyze(sql: string): Statement[] {
  let result = cache.get(sql);
  if (result === undefined) {
    result = splitStatements(sql);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(sql, result);
  }
  return result;
}
