// The demo's four benchmarked routes with Hono on Node (@hono/node-server) + better-sqlite3.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { commentJson, linkJson } from "../shared/link-json.mjs";
import { renderLinkPage } from "../shared/page-html.mjs";
import { pageNumber } from "../shared/page-query.mjs";
import { HELLO_TEXT, PER_PAGE } from "../shared/styles.mjs";
import { isUniqueViolation, openLinks } from "./database.mjs";
import { fieldErrors, LinkInput, unprocessable } from "./link-input.mjs";
import { exitWithParent, peerOptions } from "./options.mjs";

const options = peerOptions();
const db = openLinks(options.dbFile, options.migrationsDir, options.seedCount);
const app = new Hono();

app.get("/hello", (c) => c.text(HELLO_TEXT));

app.get("/links", (c) => {
  const page = pageNumber(c.req.query("page"));
  if (page === null) return c.json({ error: "?page must be a whole number >= 1" }, 400);
  const rows = db.listPage.all(PER_PAGE + 1, (page - 1) * PER_PAGE);
  const hasNext = rows.length > PER_PAGE;
  return c.html(renderLinkPage(rows.slice(0, PER_PAGE), page, PER_PAGE, hasNext));
});

app.get("/links/:file{[0-9]+\\.json}", (c) => {
  const row = db.linkById.get(Number.parseInt(c.req.param("file"), 10));
  if (!row) return c.json({ error: "not found" }, 404);
  const comments = db.commentsOf.all(row.id).map(commentJson);
  return c.json({ data: { ...linkJson(row), comments } });
});

app.post("/links.json", async (c) => {
  let body;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "The request body is not valid JSON." }, 400);
  }
  const parsed = LinkInput.safeParse(body);
  if (!parsed.success) return c.json(unprocessable(fieldErrors(parsed.error)), 422);
  const { title, url, description } = parsed.data;
  const now = Date.now();
  try {
    const row = db.insertLink.get(now, now, title, url, description ?? null);
    return c.json({ data: linkJson(row) }, 201, { Location: `/links/${row.id}` });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return c.json(unprocessable({ url: ["has already been taken"] }), 422);
  }
});

const server = serve({ fetch: app.fetch, port: options.port, hostname: "127.0.0.1" });
exitWithParent(() => server.close(() => process.exit(0)));
