import { DurableObject } from "cloudflare:workers";
import { Cron } from "croner";

// Plain workerd has no cron scheduler. On a self-hosted cluster the coordination host keeps
// one clock object whose alarm fires the worker's `scheduled` handler: one host, one clock,
// so each tick runs once for the whole cluster. Alarms are stored with the objects, so a tick
// that fell due while the host was down fires when it is back.

/** The worker's `scheduled` handler, as the coordination host's entry registers it. */
export type ScheduledHandler = (
  controller: ScheduledController,
  env: never,
  ctx: ExecutionContext,
) => unknown;

let scheduled: ScheduledHandler | undefined;

/** Called by `coordinationHost(worker)`: the handler the clock fires. */
export function registerScheduled(handler: ScheduledHandler | undefined): void {
  scheduled = handler;
}

const DDL =
  "CREATE TABLE IF NOT EXISTS nimbus_cron (cron TEXT PRIMARY KEY, last_tick REAL NOT NULL)";

// Cloudflare reads cron expressions in UTC; 6 fields (seconds first) work here too.
const parse = (expression: string) => new Cron(expression, { timezone: "UTC", paused: true });

/** Checks cron expressions before they are stored; names the bad one. */
export function checkCrons(crons: unknown): string[] {
  if (!Array.isArray(crons) || crons.some((c) => typeof c !== "string")) {
    throw new TypeError("nimbus/coord: crons must be a list of cron expressions");
  }
  for (const cron of crons as string[]) {
    try {
      parse(cron);
    } catch (error) {
      throw new TypeError(`nimbus/coord: "${cron}" is not a cron expression: ${String(error)}`);
    }
  }
  return crons as string[];
}

/** The latest tick of `cron` in (after, now], or null if none fell due. */
function dueTick(cron: string, after: number, now: number): number | null {
  const job = parse(cron);
  let due: number | null = null;
  // A host down for long fires the latest missed tick once, not every one it missed.
  for (let at = job.nextRun(new Date(after)); at && at.getTime() <= now; at = job.nextRun(at)) {
    due = at.getTime();
  }
  return due;
}

/**
 * The coordination host's cron clock: one object (`idFromName("clock")`). Bind it as
 * `NIMBUS_CRON_CLOCK` in the host's config; `nimbus build` does.
 */
export class NimbusCronClock extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec(DDL);
  }

  /** Sets the crons to fire (new ones start from now) and arms the alarm; answers the next tick. */
  async start(crons: string[]): Promise<number | null> {
    const { sql } = this.ctx.storage;
    const now = Date.now();
    checkCrons(crons);
    const kept = new Set(crons);
    for (const { cron } of sql.exec<{ cron: string }>("SELECT cron FROM nimbus_cron").toArray()) {
      if (!kept.has(cron)) sql.exec("DELETE FROM nimbus_cron WHERE cron = ?", cron);
    }
    for (const cron of crons) {
      sql.exec("INSERT OR IGNORE INTO nimbus_cron (cron, last_tick) VALUES (?, ?)", cron, now);
    }
    return await this.#arm(now);
  }

  /** Fires every cron whose tick fell due, once each, then sleeps until the next tick. */
  override async alarm(): Promise<void> {
    const { sql } = this.ctx.storage;
    const now = Date.now();
    const rows = sql
      .exec<{ cron: string; last_tick: number }>("SELECT * FROM nimbus_cron")
      .toArray();
    for (const { cron, last_tick } of rows) {
      const tick = dueTick(cron, last_tick, now);
      if (tick === null) continue;
      // The tick is claimed durably before it runs: a crash mid-run never runs it twice.
      sql.exec("UPDATE nimbus_cron SET last_tick = ? WHERE cron = ?", tick, cron);
      await this.ctx.storage.sync();
      await this.#fire(cron, tick);
    }
    await this.#arm(Date.now());
  }

  async #fire(cron: string, scheduledTime: number): Promise<void> {
    if (!scheduled) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: `cron "${cron}" fell due, but the worker has no scheduled handler`,
        }),
      );
      return;
    }
    const controller = {
      cron,
      scheduledTime,
      type: "scheduled",
      noRetry() {},
    } as ScheduledController;
    const ctx = {
      waitUntil: (promise: Promise<unknown>) => this.ctx.waitUntil(promise),
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
    try {
      await scheduled(controller, this.env as never, ctx);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: `cron "${cron}" failed`,
          scheduledTime,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
    }
  }

  async #arm(now: number): Promise<number | null> {
    const crons = this.ctx.storage.sql
      .exec<{ cron: string }>("SELECT cron FROM nimbus_cron")
      .toArray();
    const next = crons
      .map(({ cron }) => parse(cron).nextRun(new Date(now))?.getTime() ?? null)
      .filter((t): t is number => t !== null);
    if (next.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return null;
    }
    const at = Math.min(...next);
    await this.ctx.storage.setAlarm(at);
    return at;
  }
}
