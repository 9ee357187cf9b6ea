// The runtime's floor: a bare fetch handler on workerd, and for the database scenarios one
// SQLite-backed Durable Object holding the links — the same shape as D1 (a worker in front of
// SQLite in a Durable Object), without D1's wrapper. No framework, no ORM, no validation library.
import { DurableObject } from "cloudflare:workers";
import { commentJson, linkJson } from "../shared/link-json.mjs";
import { renderLinkPage } from "../shared/page-html.mjs";
import { pageNumber } from "../shared/page-query.mjs";
import { seedLinks } from "../shared/seed-links.mjs";
import { HELLO_TEXT, PER_PAGE } from "../shared/styles.mjs";
import { checkLinkInput } from "./link-input.mjs";

const LINK_COLUMNS = "id, created_at, updated_at, title, url, description";

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
      this.sql.exec(env.SCHEMA);
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

  /** The new row, or null when the url is taken. */
  createLink({ title, url, description }) {
    const now = Date.now();
    try {
      return this.sql
        .exec(
          `INSERT INTO links (created_at, updated_at, title, url, description) VALUES (?, ?, ?, ?, ?) RETURNING ${LINK_COLUMNS}`,
          now,
          now,
          title,
          url,
          description,
        )
        .one();
    } catch (error) {
      if (String(error).includes("UNIQUE constraint failed")) return null;
      throw error;
    }
  }
}

const SHOW = /^\/links\/(\d+)\.json$/;
const json = (data, status = 200, headers = {}) => Response.json(data, { status, headers });
const store = (env) => env.LINKS.get(env.LINKS.idFromName("links"));

async function listPage(url, env) {
  const page = pageNumber(url.searchParams.get("page"));
  if (page === null) return json({ error: "?page must be a whole number >= 1" }, 400);
  const rows = await store(env).listLinks(PER_PAGE + 1, (page - 1) * PER_PAGE);
  const hasNext = rows.length > PER_PAGE;
  return new Response(renderLinkPage(rows.slice(0, PER_PAGE), page, PER_PAGE, hasNext), {
    headers: { "Content-Type": "text/html; charset=UTF-8" },
  });
}

async function showLink(id, env) {
  const found = await store(env).showLink(id);
  if (!found) return json({ error: "not found" }, 404);
  return json({ data: { ...linkJson(found.link), comments: found.comments.map(commentJson) } });
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
      if (pathname === "/links") return listPage(url, env);
      const show = SHOW.exec(pathname);
      if (show) return showLink(Number(show[1]), env);
    }
    if (request.method === "POST" && pathname === "/links.json") return createLink(request, env);
    return new Response("Not Found", { status: 404 });
  },
};
