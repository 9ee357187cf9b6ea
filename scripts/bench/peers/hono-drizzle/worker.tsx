// What a user would write instead of Nimbus for the benchmarked routes: Hono + drizzle + zod on
// D1, with the demo's live room as a hand-written Durable Object, bundled and served by workerd
// exactly like the Nimbus demo.
import { asc, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Context, Hono } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { html } from "hono/html";
import { z } from "zod";
import { HELLO_TEXT, PER_PAGE, SESSION_SECRET } from "../shared/demo.mjs";
import {
  LIVE_LIST_SCRIPT,
  LIVE_LIST_SCRIPT_HEADERS,
  LIVE_LIST_SCRIPT_PATH,
} from "../shared/live-list-script.mjs";
import { LinkPage } from "./link-page.tsx";
import type { LinksRoom } from "./room.ts";
import { comments, links } from "./schema.ts";

export { LinksRoom } from "./room.ts";

const LinkInput = z.strictObject({
  title: z.string().trim().min(1).max(120),
  url: z
    .string()
    .trim()
    .min(1)
    .url({ protocol: /^https?$/ })
    .max(2048),
  description: z.string().max(1000).nullish(),
});

type Bindings = {
  DB: D1Database;
  ROOM: DurableObjectNamespace<LinksRoom>;
};
type Env = { Bindings: Bindings };
const app = new Hono<Env>();

/** drizzle wraps the driver's error; the constraint's name is in the cause. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

const unprocessable = (errors: Record<string, string[]>) => ({
  title: "Unprocessable Content",
  status: 422,
  errors,
});

/** The client's CSRF token from its signed session cookie, set on first visit. */
async function csrfToken(c: Context<Env>): Promise<string> {
  const raw = await getSignedCookie(c, SESSION_SECRET, "session");
  try {
    const token = raw ? (JSON.parse(raw) as { csrf?: string }).csrf : undefined;
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
  const text = c.req.query("page") ?? "1";
  const page = Number(text);
  if (!/^\d+$/.test(text) || page < 1) {
    return c.json({ error: "?page must be a whole number >= 1" }, 400);
  }
  const rows = await drizzle(c.env.DB)
    .select()
    .from(links)
    .orderBy(desc(links.id))
    .limit(PER_PAGE + 1)
    .offset((page - 1) * PER_PAGE)
    .all();
  const hasNext = rows.length > PER_PAGE;
  const csrf = await csrfToken(c);
  const url = new URL(c.req.url);
  const view = (
    <LinkPage
      links={rows.slice(0, PER_PAGE)}
      page={page}
      perPage={PER_PAGE}
      hasNext={hasNext}
      back={`${url.pathname}${url.search}`}
      csrf={csrf}
    />
  );
  return c.html(html`<!DOCTYPE html>${view}`);
});

app.get("/links/:file{[0-9]+\\.json}", async (c) => {
  const db = drizzle(c.env.DB);
  const id = Number.parseInt(c.req.param("file"), 10);
  const link = await db.select().from(links).where(eq(links.id, id)).get();
  if (!link) return c.json({ error: "not found" }, 404);
  const thread = await db
    .select()
    .from(comments)
    .where(eq(comments.linkId, link.id))
    .orderBy(asc(comments.id))
    .all();
  return c.json({ data: { ...link, comments: thread } });
});

app.post("/links.json", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "The request body is not valid JSON." }, 400);
  }
  const parsed = LinkInput.safeParse(body);
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "base");
      errors[field] = [...(errors[field] ?? []), issue.message];
    }
    return c.json(unprocessable(errors), 422);
  }
  const now = new Date();
  try {
    const record = await drizzle(c.env.DB)
      .insert(links)
      .values({ ...parsed.data, createdAt: now, updatedAt: now })
      .returning()
      .get();
    // Tell open lists after the response, as the demo does.
    const event = { type: "link", id: record.id, title: record.title, url: record.url };
    const room = c.env.ROOM.get(c.env.ROOM.idFromName("links"));
    c.executionCtx.waitUntil(room.publish(JSON.stringify(event)));
    return c.json({ data: record }, 201, { Location: `/links/${record.id}` });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return c.json(unprocessable({ url: ["has already been taken"] }), 422);
  }
});

export default app;
