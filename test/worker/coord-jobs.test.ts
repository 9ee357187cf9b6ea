import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "nimbus-web";
import { coordination } from "nimbus-web/coord";
import { describe, expect, inject, it } from "vitest";
import { fetchTitle, TITLE_JOB_OPTIONS, titleIn } from "../../src/jobs/fetch-title.ts";
import { links } from "../../src/models/link.ts";
import { createLink } from "./support/browser.ts";
import { appEnv, eventually } from "./support/live.ts";

/** The local web server of test/worker/support/title-server.ts. */
const server = inject("titleServer");
const coord = coordination(appEnv);
const db = drizzle(appEnv.DB, { casing: "snake_case" });

const descriptionOf = async (id: number) =>
  (await db.select({ description: links.description }).from(links).where(eq(links.id, id)).get())
    ?.description;

/** The object that runs job `id` (nimbus/coord keeps one coordinator object per job). */
const jobObject = (id: string) =>
  appEnv.NIMBUS_COORDINATOR.get(appEnv.NIMBUS_COORDINATOR.idFromName(`job:${id}`));
const nextRun = (id: string) =>
  runInDurableObject(jobObject(id), (_, state) => state.storage.getAlarm());

/** A link written straight to D1: no request, so the app queues no job of its own for it. */
async function insertLink(path: string, description = "") {
  const url = `${server}${path}/${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return await db
    .insert(links)
    .values({ title: `Job ${path}`, url, description })
    .returning()
    .get();
}

/** Queues the job as the app does, but an hour out: the test fires each attempt itself. */
async function queue(linkId: number, url: string): Promise<string> {
  const job = await coord.enqueue(
    fetchTitle,
    { linkId, url },
    { ...TITLE_JOB_OPTIONS, delay: 3600 },
  );
  return job.id;
}

describe("fetch-title job", () => {
  it("a link created without a description gets its page's title, after the response", async () => {
    const link = await createLink({
      url: `${server}/titled/${Date.now()}`,
      description: undefined,
    });
    expect(await descriptionOf(link.id)).toBeNull();
    const description = await eventually(async () => (await descriptionOf(link.id)) ?? undefined);
    expect(description).toBe("Tea & Biscuits – a page");
  });

  it("runs once and leaves a description someone wrote meanwhile alone", async () => {
    const link = await insertLink("/titled");
    const done = await queue(link.id, link.url);
    expect(await runDurableObjectAlarm(jobObject(done))).toBe(true);
    expect(await descriptionOf(link.id)).toBe("Tea & Biscuits – a page");
    expect(await runDurableObjectAlarm(jobObject(done))).toBe(false);

    const written = await insertLink("/titled");
    const job = await queue(written.id, written.url);
    await db.update(links).set({ description: "Mine" }).where(eq(links.id, written.id)).run();
    expect(await runDurableObjectAlarm(jobObject(job))).toBe(true);
    expect(await descriptionOf(written.id)).toBe("Mine");
  });

  it("a page without a title is not a failure: nothing is stored, nothing retried", async () => {
    const link = await insertLink("/untitled");
    const job = await queue(link.id, link.url);
    expect(await runDurableObjectAlarm(jobObject(job))).toBe(true);
    expect(await nextRun(job)).toBeNull();
    expect(await descriptionOf(link.id)).toBe("");
  });

  it("a failing fetch is retried after 2 s and 4 s, then dead-lettered", async () => {
    const link = await insertLink("/broken");
    const job = await queue(link.id, link.url);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= TITLE_JOB_OPTIONS.maxAttempts; attempt++) {
      expect(await runDurableObjectAlarm(jobObject(job))).toBe(true);
      const at = await nextRun(job);
      if (at !== null) waits.push(at - Date.now());
    }
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(1_000);
    expect(waits[0]).toBeLessThanOrEqual(2_000);
    expect(waits[1]).toBeGreaterThan(3_000);
    expect(waits[1]).toBeLessThanOrEqual(4_000);
    const letter = (await coord.deadLetters()).find((d) => d.id === job);
    expect(letter).toMatchObject({
      name: "fetch-title",
      payload: { linkId: link.id, url: link.url },
      attempts: 3,
      error: `Error: GET ${link.url} answered 500 Internal Server Error`,
    });
    expect(await runDurableObjectAlarm(jobObject(job))).toBe(false);
    expect(await descriptionOf(link.id)).toBe("");
  });

  it("reads titles the way browsers show them", () => {
    expect(titleIn("<title>A &lt;b&gt; &#x1F600; &quot;q&quot;</title>")).toBe('A <b> 😀 "q"');
    expect(titleIn("<TITLE lang=en>  Spaced\n\tout  </TITLE>")).toBe("Spaced out");
    expect(titleIn("<title>   </title>")).toBeNull();
    expect(titleIn("<p>none</p>")).toBeNull();
    expect(titleIn(`<title>${"x".repeat(500)}</title>`)).toHaveLength(300);
  });
});
