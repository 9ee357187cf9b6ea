import type { CoordBindings } from "./bindings.ts";
import { enqueue, type JobDefinition } from "./jobs.ts";

/** What a cron task receives. */
export interface CronTick {
  /** The cron expression that fired, as written in wrangler.toml. */
  cron: string;
  /** Epoch milliseconds the run was scheduled for. */
  scheduledTime: number;
}

/**
 * A task per cron expression: a function run in the scheduled event, or a job (by
 * definition or name) enqueued with the tick as payload, which then gets retries and
 * dead-lettering.
 */
export type CronTasks<E> = Record<
  string,
  ((tick: CronTick, env: E) => Promise<void> | void) | JobDefinition<CronTick> | string
>;

/**
 * Builds the worker's `scheduled` handler. Each key must match a `crons` entry:
 *
 * ```toml
 * [triggers]
 * crons = ["*\/5 * * * *", "0 3 * * *"]
 * ```
 * ```ts
 * export default { fetch: app.fetch, scheduled: cron({ "*\/5 * * * *": sweep, "0 3 * * *": nightlyReport }) };
 * ```
 */
export function cron<E extends CoordBindings>(
  tasks: CronTasks<E>,
): (controller: ScheduledController, env: E, ctx: ExecutionContext) => Promise<void> {
  return async (controller, env) => {
    const task = tasks[controller.cron];
    if (task === undefined) {
      const known = Object.keys(tasks).join(", ") || "none";
      throw new Error(
        `nimbus/coord: no task for cron "${controller.cron}" (tasks: ${known}); add it to cron({...}) or remove it from [triggers] crons`,
      );
    }
    const tick: CronTick = { cron: controller.cron, scheduledTime: controller.scheduledTime };
    if (typeof task === "function") return await task(tick, env);
    await enqueue(env, task, tick);
  };
}
