import {
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { coordination } from "../../src/nimbus/coord/index.ts";
import { coordEnv, eventually, worker } from "./helpers.ts";
import fixture, { failJob, okJob } from "./worker.ts";

const coord = coordination(coordEnv);
const ns = coordEnv.NIMBUS_COORDINATOR;
const jobObject = (id: string) => ns.get(ns.idFromName(`job:${id}`));
const runs = (tag: string) => coord.counter(`runs:${tag}`).get();
/** When the job's object will next run it (null: nothing pending). */
const pending = (id: string) =>
  runInDurableObject(jobObject(id), (_, state) => state.storage.getAlarm());

describe("jobs", () => {
  it("a succeeding job runs exactly once", async () => {
    // A long delay keeps the runtime's own alarm out of the way; the test fires it.
    const { id, runAt } = await coord.enqueue(okJob, { tag: "once" }, { delay: 60 });
    expect(runAt).toBeGreaterThan(Date.now() + 50_000);
    expect(await runs("once")).toBe(0);
    expect(await runDurableObjectAlarm(jobObject(id))).toBe(true);
    expect(await runs("once")).toBe(1);
    expect(await runDurableObjectAlarm(jobObject(id))).toBe(false);
    expect(await runs("once")).toBe(1);
    expect(await pending(id)).toBeNull();
  });

  it("a failing job is retried with backoff, then dead-lettered", async () => {
    const { id } = await coord.enqueue(
      failJob,
      { tag: "doomed" },
      { delay: 60, maxAttempts: 3, backoff: 30 },
    );
    const retryAt: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await runDurableObjectAlarm(jobObject(id))).toBe(true);
      expect(await runs("doomed")).toBe(attempt);
      const alarm = await pending(id);
      if (attempt < 3) retryAt.push((alarm ?? 0) - Date.now());
      else expect(alarm).toBeNull();
    }
    // Exponential: 30 s after the first failure, 60 s after the second.
    expect(retryAt[0]).toBeGreaterThan(25_000);
    expect(retryAt[0]).toBeLessThanOrEqual(30_000);
    expect(retryAt[1]).toBeGreaterThan(55_000);
    expect(retryAt[1]).toBeLessThanOrEqual(60_000);
    const letter = (await coord.deadLetters()).find((d) => d.id === id);
    expect(letter).toMatchObject({
      name: "fail",
      payload: { tag: "doomed" },
      attempts: 3,
      error: "Error: boom on attempt 3",
    });
    expect(await runDurableObjectAlarm(jobObject(id))).toBe(false);
    expect(await runs("doomed")).toBe(3);
  });

  it("runs on the runtime's own alarms after the response, with real retries", async () => {
    const res = await worker.fetch("http://app/votes/42", { method: "POST" });
    expect(await res.json()).toEqual({ votes: 1 });
    await eventually(async () => ((await runs("vote-42")) === 1 ? true : undefined));
    const { id } = await coord.enqueue(failJob, { tag: "real" }, { maxAttempts: 3, backoff: 0.05 });
    const letter = await eventually(async () =>
      (await coord.deadLetters()).find((d) => d.id === id),
    );
    expect(letter.attempts).toBe(3);
    expect(await runs("real")).toBe(3);
    expect(await runs("vote-42")).toBe(1);
  });

  it("refuses unknown jobs at enqueue time", async () => {
    await expect(coord.enqueue("nope", {})).rejects.toThrow(
      /unknown job "nope"; register it with defineJob/,
    );
    await expect(coord.enqueue(okJob, { tag: "x" }, { maxAttempts: 0 })).rejects.toThrow(
      /maxAttempts/,
    );
  });

  it("cron triggers enqueue their job", async () => {
    const controller = createScheduledController({
      cron: "*/5 * * * *",
      scheduledTime: 1_700_000_000_000,
    });
    await fixture.scheduled(controller, coordEnv, {} as ExecutionContext);
    await eventually(async () =>
      (await coord.counter("ticks:*/5 * * * *").get()) === 1 ? true : undefined,
    );
    const unknown = createScheduledController({ cron: "0 0 * * *" });
    await expect(fixture.scheduled(unknown, coordEnv, {} as ExecutionContext)).rejects.toThrow(
      /no task for cron "0 0 \* \* \*" \(tasks: \*\/5 \* \* \* \*\)/,
    );
  });
});
