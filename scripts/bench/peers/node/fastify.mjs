// The demo's four benchmarked routes with Fastify 5 + better-sqlite3; input checked by a route
// schema, as Fastify users do, with ajv set to reject (not strip or coerce) like the demo.
import Fastify from "fastify";
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
import { unprocessable } from "./link-input.mjs";
import { exitWithParent, peerOptions } from "./options.mjs";
import { publish } from "./room.mjs";
import { csrfToken } from "./session.mjs";

const options = peerOptions();
const db = openLinks(options.dbFile, options.migrationsDir, options.seedCount);
const app = Fastify({
  ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
});

const linkInput = {
  type: "object",
  additionalProperties: false,
  required: ["title", "url"],
  properties: {
    title: { type: "string", pattern: "\\S", maxLength: 120 },
    url: { type: "string", format: "uri", pattern: "^https?://", maxLength: 2048 },
    description: { type: ["string", "null"], maxLength: 1000 },
  },
};

app.setErrorHandler((error, _request, reply) => {
  if (!error.validation) return reply.send(error);
  const errors = {};
  for (const issue of error.validation) {
    const field = issue.instancePath.slice(1) || issue.params?.missingProperty || "base";
    errors[field] = [...(errors[field] ?? []), issue.message];
  }
  reply.status(422).send(unprocessable(errors));
});

app.get("/hello", async (_request, reply) => reply.type("text/plain").send(HELLO_TEXT));

app.get(LIVE_LIST_SCRIPT_PATH, async (_request, reply) =>
  reply.headers(LIVE_LIST_SCRIPT_HEADERS).send(LIVE_LIST_SCRIPT),
);

app.get("/links", async (request, reply) => {
  const page = pageNumber(request.query.page);
  if (page === null) return reply.status(400).send({ error: "?page must be a whole number >= 1" });
  const rows = db.listPage.all(PER_PAGE + 1, (page - 1) * PER_PAGE);
  const hasNext = rows.length > PER_PAGE;
  const session = csrfToken(request.headers.cookie);
  if (session.setCookie) reply.header("set-cookie", session.setCookie);
  const html = renderLinkPage({
    links: rows.slice(0, PER_PAGE),
    page,
    perPage: PER_PAGE,
    hasNext,
    back: request.url,
    csrf: session.token,
  });
  return reply.type("text/html; charset=utf-8").send(html);
});

app.get("/links/:id.json", async (request, reply) => {
  const { id } = request.params;
  const row = /^\d+$/.test(id) ? db.linkById.get(Number(id)) : undefined;
  if (!row) return reply.status(404).send({ error: "not found" });
  return showJson(row, db.commentsOf.all(row.id));
});

app.post("/links.json", { schema: { body: linkInput } }, async (request, reply) => {
  const { title, url, description } = request.body;
  const now = Date.now();
  try {
    const row = db.insertLink.get(now, now, title.trim(), url.trim(), description ?? null);
    publish({ type: "link", id: row.id, title: row.title, url: row.url });
    return reply
      .status(201)
      .header("Location", `/links/${row.id}`)
      .send({ data: linkJson(row) });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return reply.status(422).send(unprocessable({ url: ["has already been taken"] }));
  }
});

await app.listen({ port: options.port, host: "127.0.0.1" });
exitWithParent(db);
