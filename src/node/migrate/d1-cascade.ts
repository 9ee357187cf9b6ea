/**
 * D1 ignores `PRAGMA foreign_keys=OFF`, so drizzle-kit's table rebuild (`DROP TABLE x` …
 * `RENAME __new_x TO x`) fires the ON DELETE actions of the tables that point at x and empties
 * or nulls them (drizzle-orm #4938). Neither drizzle-kit nor wrangler guards against it, hence
 * this: inside the migration's own atomic batch, every table those actions can reach is copied
 * aside before the DROP and put back, parents first, once the migration's statements have run.
 */

const DROP_TABLE = /^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?[`"[]?([\w$]+)[`"\]]?\s*;?\s*$/i;
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const keep = (name: string) => quote(`__nimbus_keep_${name}`);

interface ForeignKey {
  table: string;
  on_delete: string;
}

/** Tables whose rows a delete from a parent changes: parent → children with an ON DELETE action. */
async function actionEdges(database: D1Database): Promise<Map<string, Set<string>>> {
  const { results: tables } = await database
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  const edges = new Map<string, Set<string>>();
  for (const { name } of tables) {
    const { results } = await database
      .prepare(`PRAGMA foreign_key_list(${quote(name)})`)
      .all<ForeignKey>();
    for (const key of results) {
      if (/^(NO ACTION|RESTRICT)$/i.test(key.on_delete)) continue;
      const children = edges.get(key.table) ?? new Set<string>();
      children.add(name);
      edges.set(key.table, children);
    }
  }
  return edges;
}

function reachable(from: string, edges: Map<string, Set<string>>): string[] {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    for (const child of edges.get(queue.shift() as string) ?? []) {
      if (child === from || seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  return [...seen];
}

/** `tables` with every parent before its children; throws on a cycle among them. */
function parentsFirst(tables: string[], edges: Map<string, Set<string>>): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table)) return;
    if (visiting.has(table)) {
      throw new Error(
        `Tables ${[...visiting].join(", ")} reference each other with ON DELETE actions; rebuilding one on D1 would delete rows. Write this migration by hand.`,
      );
    }
    visiting.add(table);
    for (const [parent, children] of edges) {
      if (children.has(table) && tables.includes(parent) && parent !== table) visit(parent);
    }
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/** `statements` with the rows that its DROP TABLEs would take along saved and restored. */
export async function guardCascades(
  database: D1Database,
  statements: readonly string[],
): Promise<string[]> {
  if (!statements.some((statement) => DROP_TABLE.test(statement))) return [...statements];
  const edges = await actionEdges(database);
  const saved: string[] = [];
  const out: string[] = [];
  for (const statement of statements) {
    const dropped = DROP_TABLE.exec(statement)?.[1];
    for (const table of dropped ? reachable(dropped, edges) : []) {
      if (saved.includes(table)) continue;
      saved.push(table);
      out.push(`CREATE TABLE ${keep(table)} AS SELECT * FROM ${quote(table)}`);
    }
    out.push(statement);
  }
  for (const table of parentsFirst(saved, edges)) {
    out.push(`DELETE FROM ${quote(table)}`);
    out.push(`INSERT INTO ${quote(table)} SELECT * FROM ${keep(table)}`);
  }
  for (const table of saved) out.push(`DROP TABLE ${keep(table)}`);
  return out;
}
