// The Links resource of the demo written with plain Hono + drizzle + zod, no Nimbus:
// the yardstick for "how much does Nimbus save". Same features: seven actions, HTML and JSON,
// validation with 422s, unique url, pagination with bounds, method override, CSRF, flash.
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { type Context, Hono } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import type { Child, FC } from "hono/jsx";
import { z } from "zod";

export const links = sqliteTable("links", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  title: text("title").notNull(),
  url: text("url").notNull().unique(),
  description: text("description"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});
type Link = typeof links.$inferSelect;

const LinkInput = z.strictObject({
  title: z.string().trim().min(1, "can't be blank").max(120),
  url: z.url({ protocol: /^https?$/, error: "must be a valid http(s) URL" }).max(2048),
  description: z.string().max(1000).nullish(),
});
type Errors = Record<string, string[]>;

type Env = { Bindings: { DB: D1Database; SESSION_SECRET: string } };
const app = new Hono<Env>();
app.use(csrf());

const wantsJson = (c: Context) =>
  c.req.path.endsWith(".json") || (c.req.header("Accept") ?? "").includes("application/json");
const db = (c: Context<Env>) => drizzle(c.env.DB);

async function readInput(c: Context): Promise<Record<string, unknown>> {
  if ((c.req.header("Content-Type") ?? "").includes("json")) return c.req.json();
  const form = await c.req.parseBody();
  const { _method, ...fields } = form;
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, v === "" && k === "description" ? null : v]),
  );
}

function fieldErrors(error: z.ZodError): Errors {
  const errors: Errors = {};
  for (const issue of error.issues)
    errors[String(issue.path[0])] = [...(errors[String(issue.path[0])] ?? []), issue.message];
  return errors;
}

async function flash(c: Context<Env>, message?: string): Promise<string | undefined> {
  if (message)
    return void (await setSignedCookie(c, "flash", message, c.env.SESSION_SECRET, {
      httpOnly: true,
    }));
  const current = await getSignedCookie(c, c.env.SESSION_SECRET, "flash");
  if (current) deleteCookie(c, "flash");
  return current || undefined;
}

const Layout: FC<{ title: string; notice?: string | undefined; children?: Child }> = ({
  title,
  notice,
  children,
}) => (
  <html lang="en">
    <head>
      <title>{title}</title>
    </head>
    <body>
      {notice ? <p class="flash">{notice}</p> : null}
      {children}
    </body>
  </html>
);

const LinkForm: FC<{
  action: string;
  method: string;
  values: Record<string, unknown>;
  errors: Errors;
}> = ({ action, method, values, errors }) => (
  <form action={action} method="post">
    {method !== "post" ? <input type="hidden" name="_method" value={method} /> : null}
    {["title", "url", "description"].map((name) => (
      <div>
        <label for={name}>{name}</label>
        <input id={name} name={name} value={String(values[name] ?? "")} />
        {(errors[name] ?? []).map((m) => (
          <p class="error">
            {name} {m}
          </p>
        ))}
      </div>
    ))}
    <button type="submit">Save</button>
  </form>
);

async function findLink(c: Context<Env>): Promise<Link | undefined> {
  const id = Number(c.req.param("id")?.replace(/\.json$/, ""));
  if (!Number.isSafeInteger(id)) return undefined;
  return db(c).select().from(links).where(eq(links.id, id)).get();
}

app.get("/links", async (c) => {
  const page = Number(c.req.query("page") ?? "1");
  if (!Number.isSafeInteger(page) || page < 1)
    return c.json({ error: "page must be a whole number >= 1" }, 400);
  const rows = await db(c)
    .select()
    .from(links)
    .orderBy(desc(links.id))
    .limit(21)
    .offset((page - 1) * 20)
    .all();
  const hasNext = rows.length > 20;
  const data = rows.slice(0, 20);
  if (wantsJson(c)) return c.json({ data, meta: { page, perPage: 20, hasNext } });
  return c.html(
    <Layout title="Links" notice={await flash(c)}>
      <a href="/links/new">New link</a>
      <ul>
        {data.map((l) => (
          <li>
            <a href={`/links/${l.id}`}>{l.title}</a>
          </li>
        ))}
      </ul>
      {hasNext ? <a href={`/links?page=${page + 1}`}>Next</a> : null}
    </Layout>,
  );
});

app.get("/links/new", (c) =>
  c.html(
    <Layout title="New link">
      <LinkForm action="/links" method="post" values={{}} errors={{}} />
    </Layout>,
  ),
);

async function save(c: Context<Env>, existing?: Link): Promise<Response> {
  let input: Record<string, unknown>;
  try {
    input = await readInput(c);
  } catch {
    return c.json({ error: "malformed body" }, 400);
  }
  const parsed = (existing ? LinkInput.partial() : LinkInput).safeParse(input);
  let errors: Errors | undefined = parsed.success ? undefined : fieldErrors(parsed.error);
  let record: Link | undefined;
  if (parsed.success) {
    try {
      const now = new Date();
      record = existing
        ? await db(c)
            .update(links)
            .set({ ...parsed.data, updatedAt: now })
            .where(eq(links.id, existing.id))
            .returning()
            .get()
        : await db(c)
            .insert(links)
            .values({
              ...(parsed.data as z.infer<typeof LinkInput>),
              createdAt: now,
              updatedAt: now,
            })
            .returning()
            .get();
    } catch (error) {
      if (!String(error).includes("UNIQUE constraint failed")) throw error;
      errors = { url: ["has already been taken"] };
    }
  }
  if (errors || !record) {
    if (wantsJson(c)) return c.json({ title: "Unprocessable Content", status: 422, errors }, 422);
    const action = existing ? `/links/${existing.id}` : "/links";
    return c.html(
      <Layout title="Link">
        <LinkForm
          action={action}
          method={existing ? "patch" : "post"}
          values={input}
          errors={errors ?? {}}
        />
      </Layout>,
      422,
    );
  }
  if (wantsJson(c)) return c.json({ data: record }, existing ? 200 : 201);
  await flash(c, existing ? "Link was updated." : "Link was created.");
  return c.redirect(`/links/${record.id}`, 303);
}

app.post("/links", (c) => save(c));

app.get("/links/:id", async (c) => {
  const link = await findLink(c);
  if (!link) return c.notFound();
  if (wantsJson(c)) return c.json({ data: link });
  return c.html(
    <Layout title={link.title} notice={await flash(c)}>
      <h1>{link.title}</h1>
      <a href={`/links/${link.id}/edit`}>Edit</a>
      <form action={`/links/${link.id}`} method="post">
        <input type="hidden" name="_method" value="delete" />
        <button type="submit">Delete</button>
      </form>
    </Layout>,
  );
});

app.get("/links/:id/edit", async (c) => {
  const link = await findLink(c);
  if (!link) return c.notFound();
  return c.html(
    <Layout title="Edit link">
      <LinkForm action={`/links/${link.id}`} method="patch" values={link} errors={{}} />
    </Layout>,
  );
});

async function destroy(c: Context<Env>, link: Link): Promise<Response> {
  await db(c).delete(links).where(eq(links.id, link.id)).run();
  if (wantsJson(c)) return c.body(null, 204);
  await flash(c, "Link was deleted.");
  return c.redirect("/links", 303);
}

app.on(["PATCH", "PUT", "DELETE", "POST"], "/links/:id", async (c) => {
  const link = await findLink(c);
  if (!link) return c.notFound();
  const method =
    c.req.method === "POST"
      ? String((await c.req.raw.clone().formData()).get("_method")).toUpperCase()
      : c.req.method;
  if (method === "DELETE") return destroy(c, link);
  if (method === "PATCH" || method === "PUT") return save(c, link);
  return c.text("Method Not Allowed", 405);
});

export default app;
