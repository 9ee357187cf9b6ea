// Calls that arrive over the network may be retried: the node cannot tell a request the host
// never got from one whose answer was lost when the host died. Each write carries an id; the
// object remembers the answers of recent ids, so a retried increment is answered, not counted
// again. (Not nimbus_-prefixed: an object holding only these is still empty, and deletable.)

const DDL =
  "CREATE TABLE IF NOT EXISTS _nimbus_calls (id TEXT PRIMARY KEY, result TEXT, at REAL NOT NULL)";
/** How long an answer is kept: far longer than any retry runs. */
const KEEP_MS = 10 * 60_000;

/** The longest call id accepted. */
export const MAX_CALL_ID = 100;

/**
 * Runs `run` once per `id` on this object; a repeated id gets the first answer. A synchronous
 * `run` and the record of its answer are one transaction (no await between them).
 */
export async function once(
  storage: DurableObjectStorage,
  id: string,
  run: () => unknown,
): Promise<unknown> {
  const { sql } = storage;
  sql.exec(DDL);
  const seen = sql
    .exec<{ result: string | null }>("SELECT result FROM _nimbus_calls WHERE id = ?", id)
    .toArray()[0];
  if (seen) return seen.result === null ? undefined : JSON.parse(seen.result);
  let result = run();
  if (result instanceof Promise) result = await result;
  sql.exec(DDL); // a session delete wipes the object, this table included
  sql.exec(
    "INSERT OR REPLACE INTO _nimbus_calls (id, result, at) VALUES (?, ?, ?)",
    id,
    result === undefined ? null : JSON.stringify(result),
    Date.now(),
  );
  sql.exec("DELETE FROM _nimbus_calls WHERE at < ?", Date.now() - KEEP_MS);
  return result;
}
