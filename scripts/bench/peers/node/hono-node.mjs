// The demo's four benchmarked routes with Hono on Node (@hono/node-server) + better-sqlite3.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { HELLO_TEXT, PER_PAGE, SESSION_SECRET } from "../shared/demo.mjs";
import { linkJson, showJson } from "../shared/link-json.mjs";
import {
  LIVE_LIST_SCRIPT,
  LIVE_LIST_SCRIPT_HEADERS,
  LIVE_LIST_SCRIPT_PATH,
} from "../shared/live-list-script.mjs";
import { renderLinkPage } from "../shared/page-html.mjs";
import { pageNumber } from "../shared/page-query.mjs";
import { isUniqueViolation, openLinks } from "./database.mjs";
import { fieldErrors, LinkInput, unprocessable } from "./link-input.mjs";
import { exitWithParent, peerOptions } from "./options.mjs";
import { publish } from "./room.mjs";

const options = peerOptions();
const db = openLinks(options.dbFile, options.migrationsDir, options.seedCount);
const app = new Hono();

/** The client's CSRF token from its signed session cookie, set on first visit (hono/cookie). */
async function csrfToken(c) {
  const raw = await getSignedCookie(c, SESSION_SECRET, "session");
  try {
    const token = raw ? JSON.parse(raw).csrf : undefined;
    if (token) return token;
  } catch {
    // A tampered or stale cookie: start a new session.
  }
  const token = crypto.randomUUID();
  await setSignedCookie(c, "session", JSON.stringify({ csrf: token }), SESSION_SECRET, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
  });
  return token;
}

app.get("/hello", (c) => c.text(HELLO_TEXT));

app.get(LIVE_LIST_SCRIPT_PATH, (c) => c.body(LIVE_LIST_SCRIPT, 200, LIVE_LIST_SCRIPT_HEADERS));

app.get("/links", async (c) => {
  const page = pageNumber(c.req.query("page"));
  if (page === null) return c.json({ error: "?page must be a whole number >= 1" }, 400);
  const rows = db.listPage.all(PER_PAGE + 1, (page - 1) * PER_PAGE);
  const hasNext = rows.length > PER_PAGE;
  const url = new URL(c.req.url);
  const html = renderLinkPage({
    links: rows.slice(0, PER_PAGE),
    page,
    perPage: PER_PAGE,
    hasNext,
    back: `${url.pathname}${url.search}`,
    csrf: await csrfToken(c),
  });
  return c.html(html);
});

app.get("/links/:file{[0-9]+\\.json}", (c) => {
  const row = db.linkById.get(Number.parseInt(c.req.param("file"), 10));
  if (!row) return c.json({ error: "not found" }, 404);
  return c.json(showJson(row, db.commentsOf.all(row.id)));
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
    publish({ type: "link", id: row.id, title: row.title, url: row.url });
    return c.json({ data: linkJson(row) }, 201, { Location: `/links/${row.id}` });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return c.json(unprocessable({ url: ["has already been taken"] }), 422);
  }
});

serve({ fetch: app.fetch, port: options.port, hostname: "127.0.0.1" });
exitWithParent(db);
