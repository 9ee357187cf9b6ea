import { env } from "cloudflare:workers";

/** Rows in a table, read straight from D1 to prove what a request did or did not write. */
export async function rowCount(table: "links" | "comments"): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}
