// The demo's four benchmarked routes with Express 5 + better-sqlite3, Express's defaults kept.
import express from "express";
import { HELLO_TEXT, PER_PAGE } from "../shared/demo.mjs";
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
import { csrfToken } from "./session.mjs";

const options = peerOptions();
const db = openLinks(options.dbFile, options.migrationsDir, options.seedCount);
const app = express();

app.get("/hello", (_req, res) => {
  res.type("text/plain").send(HELLO_TEXT);
});

app.get(LIVE_LIST_SCRIPT_PATH, (_req, res) => {
  res.set(LIVE_LIST_SCRIPT_HEADERS).send(LIVE_LIST_SCRIPT);
});

app.get("/links", (req, res) => {
  const page = pageNumber(req.query.page);
  if (page === null) return res.status(400).json({ error: "?page must be a whole number >= 1" });
  const rows = db.listPage.all(PER_PAGE + 1, (page - 1) * PER_PAGE);
  const hasNext = rows.length > PER_PAGE;
  const session = csrfToken(req.headers.cookie);
  if (session.setCookie) res.append("Set-Cookie", session.setCookie);
  const links = rows.slice(0, PER_PAGE);
  const back = req.originalUrl;
  res
    .type("html")
    .send(renderLinkPage({ links, page, perPage: PER_PAGE, hasNext, back, csrf: session.token }));
});

app.get("/links/:id.json", (req, res) => {
  const row = /^\d+$/.test(req.params.id) ? db.linkById.get(Number(req.params.id)) : undefined;
  if (!row) return res.status(404).json({ error: "not found" });
  res.json(showJson(row, db.commentsOf.all(row.id)));
});

app.post("/links.json", express.json(), (req, res) => {
  const parsed = LinkInput.safeParse(req.body);
  if (!parsed.success) return res.status(422).json(unprocessable(fieldErrors(parsed.error)));
  const { title, url, description } = parsed.data;
  const now = Date.now();
  try {
    const row = db.insertLink.get(now, now, title, url, description ?? null);
    publish({ type: "link", id: row.id, title: row.title, url: row.url });
    res
      .status(201)
      .location(`/links/${row.id}`)
      .json({ data: linkJson(row) });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    res.status(422).json(unprocessable({ url: ["has already been taken"] }));
  }
});

app.listen(options.port, "127.0.0.1");
exitWithParent(db);
