// The fixture app: what a user writes, routes driven by the tests through real requests.
import { Hono } from "hono";
import {
  type CoordBindings,
  type CronTick,
  coordination,
  cron,
  defineJob,
  rateLimited,
} from "../../src/nimbus/coord/index.ts";

export { NimbusCoordinator, NimbusRoom } from "../../src/nimbus/coord/index.ts";

type AppEnv = { Bindings: CoordBindings };

/** Counts its runs in `runs:<tag>`. */
export const okJob = defineJob<{ tag: string }>("ok", async ({ tag }, env) => {
  await coordination(env).counter(`runs:${tag}`).increment();
});

/** Counts its runs in `runs:<tag>`, then fails. */
export const failJob = defineJob<{ tag: string }>("fail", async ({ tag }, env, job) => {
  await coordination(env).counter(`runs:${tag}`).increment();
  throw new Error(`boom on attempt ${job.attempt}`);
});

export const tickJob = defineJob<CronTick>("tick", async (tick, env) => {
  await coordination(env).counter(`ticks:${tick.cron}`).increment();
});

const app = new Hono<AppEnv>();

app.get("/rooms/:name", (c) =>
  coordination(c.env).connect(c.req.param("name"), c.req.raw, { tags: ["web"] }),
);

app.post("/rooms/:name", async (c) => {
  const seq = await coordination(c.env).publish(c.req.param("name"), await c.req.json());
  return c.json({ seq });
});

app.get(
  "/limited",
  rateLimited({ key: (c) => c.req.header("x-client") ?? "anon", limit: 3, window: 60 }),
  (c) => c.text("ok"),
);

app.post("/votes/:id", async (c) => {
  const coord = coordination(c.env);
  const votes = await coord.counter(`votes:${c.req.param("id")}`).increment();
  await coord.enqueue(okJob, { tag: `vote-${c.req.param("id")}` });
  return c.json({ votes });
});

export default {
  fetch: app.fetch,
  scheduled: cron({ "*/5 * * * *": tickJob }),
} satisfies ExportedHandler<CoordBindings>;
