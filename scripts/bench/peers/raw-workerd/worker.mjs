// The runtime's floor: a bare fetch handler on workerd, and for the database scenarios one
// SQLite-backed Durable Object holding links, comments and the live list's event log — the same
// shape as D1 (a worker in front of SQLite in a Durable Object) without D1's wrapper, and the
// demo's room folded into that one object. No framework, no ORM, no library.
import { DurableObject } from "cloudflare:workers";
import { HELLO_TEXT, PER_PAGE } from "../shared/demo.mjs";
import { linkJson, showJson } from "../shared/link-json.mjs";
import {
  LIVE_LIST_SCRIPT,
  LIVE_LIST_SCRIPT_HEADERS,
  LIVE_LIST_SCRIPT_PATH,
} from "../shared/live-list-script.mjs";
import { renderLinkPage } from "../shared/page-html.mjs";
import { pageNumber } from "../shared/page-query.mjs";
import { seedLinks } from "../shared/seed-links.mjs";
import { checkLinkInput } from "./link-input.mjs";
import { csrfToken } from "./session.mjs";

const LINK_COLUMNS = "id, created_at, updated_at, title, url, description, votes";
const EXTRA_TABLES = `
CREATE TABLE room_log (seq INTEGER PRIMARY KEY, data TEXT NOT NULL);`;
const ROOM_BACKLOG = 1000;

export class LinkStore extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.#setUp(env));
  }

  #setUp(env) {
    const migrated = this.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'links'")
      .toArray().length;
    if (migrated) return;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(env.SCHEMA + EXTRA_TABLES);
      for (const r of seedLinks(env.SEED_COUNT)) {
        this.sql.exec(
          "INSERT INTO links (id, title, url, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
          r.id,
          r.title,
          r.url,
          r.description,
          r.createdAt,
          r.updatedAt,
        );
      }
    });
  }

  listLinks(limit, offset) {
    return this.sql
      .exec(`SELECT ${LINK_COLUMNS} FROM links ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
      .toArray();
  }

  showLink(id) {
    const [link] = this.sql.exec(`SELECT ${LINK_COLUMNS} FROM links WHERE id = ?`, id).toArray();
    if (!link) return null;
    const comments = this.sql
      .exec(
        "SELECT id, created_at, updated_at, link_id, author, body FROM comments WHERE link_id = ? ORDER BY id",
        id,
      )
      .toArray();
    return { link, comments };
  }

  /** The new row, or null when the url is taken; the live list's log records it in the same write. */
  createLink({ title, url, description }) {
    const now = Date.now();
    try {
      return this.ctx.storage.transactionSync(() => {
        const row = this.sql
          .exec(
            `INSERT INTO links (created_at, updated_at, title, url, description) VALUES (?, ?, ?, ?, ?) RETURNING ${LINK_COLUMNS}`,
            now,
            now,
            title,
            url,
            description,
          )
          .one();
        this.#announce({ type: "link", id: row.id, title: row.title, url: row.url });
        return row;
      });
    } catch (error) {
      if (String(error).includes("UNIQUE constraint failed")) return null;
      throw error;
    }
  }

  /** What the demo's room does on publish: log the event (bounded), send it to subscribers. */
  #announce(event) {
    const data = JSON.stringify(event);
    const { seq } = this.sql
      .exec("INSERT INTO room_log (data) VALUES (?) RETURNING seq", data)
      .one();
    this.sql.exec("DELETE FROM room_log WHERE seq <= ?", seq - ROOM_BACKLOG);
    const frame = `{"type":"message","seq":${seq},"data":${data}}`;
    for (const socket of this.ctx.getWebSockets()) socket.send(frame);
  }
}

const SHOW = /^\/links\/(\d+)\.json$/;
const json = (data, status = 200, headers = {}) => Response.json(data, { status, headers });
const store = (env) => env.LINKS.get(env.LINKS.idFromName("links"));

async function listPage(request, url, env) {
  const page = pageNumber(url.searchParams.get("page"));
  if (page === null) return json({ error: "?page must be a whole number >= 1" }, 400);
  const [rows, session] = await Promise.all([
    store(env).listLinks(PER_PAGE + 1, (page - 1) * PER_PAGE),
    csrfToken(request),
  ]);
  const hasNext = rows.length > PER_PAGE;
  const html = renderLinkPage({
    links: rows.slice(0, PER_PAGE),
    page,
    perPage: PER_PAGE,
    hasNext,
    back: `${url.pathname}${url.search}`,
    csrf: session.token,
  });
  const headers = { "Content-Type": "text/html; charset=UTF-8" };
  if (session.setCookie) headers["Set-Cookie"] = session.setCookie;
  return new Response(html, { headers });
}

async function showLink(id, env) {
  const found = await store(env).showLink(id);
  if (!found) return json({ error: "not found" }, 404);
  return json(showJson(found.link, found.comments));
}

async function createLink(request, env) {
  let body;
  try {
    body = await request.json();
  } catch {
    return json({ error: "The request body is not valid JSON." }, 400);
  }
  const checked = checkLinkInput(body);
  if (checked.errors)
    return json({ title: "Unprocessable Content", status: 422, errors: checked.errors }, 422);
  const row = await store(env).createLink(checked.input);
  if (!row)
    return json(
      { title: "Unprocessable Content", status: 422, errors: { url: ["has already been taken"] } },
      422,
    );
  return json({ data: linkJson(row) }, 201, { Location: `/links/${row.id}` });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const { pathname } = url;
    if (request.method === "GET") {
      if (pathname === "/hello") return new Response(HELLO_TEXT);
      if (pathname === LIVE_LIST_SCRIPT_PATH)
        return new Response(LIVE_LIST_SCRIPT, { headers: LIVE_LIST_SCRIPT_HEADERS });
      if (pathname === "/links") return listPage(request, url, env);
      const show = SHOW.exec(pathname);
      if (show) return showLink(Number(show[1]), env);
    }
    if (request.method === "POST" && pathname === "/links.json") return createLink(request, env);
    return new Response("Not Found", { status: 404 });
  },
};
