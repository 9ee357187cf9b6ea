// The fixture app of the coordination tests: what a user writes with nimbus-web/coord, nothing
// cluster-specific. The same bundle runs on every node and, behind the host's entry, on the host.
import { Hono } from "hono";
import { HttpError } from "nimbus-web";
import {
  type CoordBindings,
  type CronTick,
  coordination,
  cron,
  defineJob,
  rateLimited,
} from "nimbus-web/coord";

export { NimbusCoordinator, NimbusRoom } from "nimbus-web/coord";

type Env = { Bindings: CoordBindings & { NODE_NAME?: string } };

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Counts its runs in `runs:<tag>`. */
export const countRun = defineJob<{ tag: string }>("count-run", async ({ tag }, env) => {
  await coordination(env).counter(`runs:${tag}`).increment();
});

/** Cron task: one count per tick (`tick:<time>`) and one in total (`ticks`). */
async function tick({ scheduledTime }: CronTick, env: CoordBindings): Promise<void> {
  const coord = coordination(env);
  await coord.counter(`tick:${scheduledTime}`).increment();
  await coord.counter("ticks").increment();
}

const app = new Hono<Env>();

// As createApp() does: known errors (503 while the coordination host restarts) keep their status.
app.onError((error, c) => c.text(error.message, error instanceof HttpError ? error.status : 500));

app.get("/health", (c) => c.text(`ok ${c.env.NODE_NAME ?? ""}`));

app.post("/count/:name", async (c) => {
  const value = await coordination(c.env).counter(c.req.param("name")).increment();
  return c.json({ value, node: c.env.NODE_NAME });
});

app.get("/count/:name", async (c) =>
  c.json({ value: await coordination(c.env).counter(c.req.param("name")).get() }),
);

app.post(
  "/limited/:key",
  rateLimited<Env>({ key: (c) => `fixture:${c.req.param("key")}`, limit: 10, window: 60 }),
  (c) => c.json({ allowed: true, node: c.env.NODE_NAME }),
);

// A read-modify-write of a session value with a pause in the middle: without the lock,
// concurrent callers lose updates; with it, the final value counts every holder exactly.
app.post("/locked-add/:name", async (c) => {
  const coord = coordination(c.env);
  const name = c.req.param("name");
  const fence = await coord.withLock(name, { ttl: 10, wait: 30 }, async (lease) => {
    const now = (await coord.sessions.get(`register:${name}`)) ?? { n: 0 };
    await sleep(5);
    await coord.sessions.set(`register:${name}`, { n: Number(now.n) + 1 }, 600);
    return lease.fence;
  });
  return c.json({ fence });
});

app.get("/register/:name", async (c) =>
  c.json((await coordination(c.env).sessions.get(`register:${c.req.param("name")}`)) ?? { n: 0 }),
);

// The gateway's health check.
app.get("/__nimbus/health", (c) => c.text("ok"));

app.get("/rooms/:name", async (c) => {
  const res = await coordination(c.env).connect(c.req.param("name"), c.req.raw);
  // Which node relays this subscriber (the tests check that both do).
  res.headers.set("x-node", c.env.NODE_NAME ?? "");
  return res;
});

app.post("/rooms/:name", async (c) =>
  c.json({ seq: await coordination(c.env).publish(c.req.param("name"), await c.req.json()) }),
);

app.post("/jobs/:tag", async (c) => {
  const job = await coordination(c.env).enqueue(countRun, { tag: c.req.param("tag") });
  return c.json(job);
});

export default {
  fetch: app.fetch,
  scheduled: cron({ "*/2 * * * * *": tick }),
} satisfies ExportedHandler<CoordBindings>;
