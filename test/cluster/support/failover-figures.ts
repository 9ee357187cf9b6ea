/** What a client saw of a gateway failure: from the load client's records and the fault's mark. */
import type { LoadResult, RequestRecord } from "./load-client.ts";

export interface FailoverFigures {
  /** When the fault happened, between two marks in the client's clock (ms). */
  faultMs: [number, number];
  requests: number;
  ok: number;
  failed: number;
  /** Requests sent before the fault and not yet answered when it happened (any time between the marks). */
  inFlightAtFault: number;
  /** Failed requests that were not in flight at the fault (started after it, or ended before). */
  failedOutsideFault: number;
  /** The longest stretch without a successful answer, around the fault (ms). */
  gapMs: number;
  /** From the fault to the first success of a request sent after it (ms). */
  firstSuccessAfterFaultMs: number;
  /** Requests that needed more than one gateway of the list (active-active). */
  movedToAnotherGateway: number;
  /** The failed requests that were not in flight at the fault, to show when there are any. */
  failuresOutsideFault: RequestRecord[];
  /** Creates answered 2xx: each must be in the database. */
  acknowledgedCreates: string[];
}

export function failoverFigures(result: LoadResult): FailoverFigures {
  const before = result.marks[0];
  const mark = result.marks.at(-1);
  if (before === undefined || mark === undefined)
    throw new Error("the load client never marked the fault");
  const records = result.records;
  const inFlight = (r: RequestRecord) => r.start <= mark && r.end >= before;
  const failed = records.filter((r) => !r.ok);
  const okEnds = records
    .filter((r) => r.ok)
    .map((r) => r.end)
    .sort((a, b) => a - b);
  let gapMs = 0;
  for (let i = 1; i < okEnds.length; i++) {
    const previous = okEnds[i - 1] as number;
    const next = okEnds[i] as number;
    // Only stretches that contain or follow the fault count.
    if (next >= before) gapMs = Math.max(gapMs, next - Math.max(previous, before));
  }
  const after = records.filter((r) => r.ok && r.start > mark).map((r) => r.end);
  return {
    faultMs: [Math.round(before), Math.round(mark)],
    requests: records.length,
    ok: records.length - failed.length,
    failed: failed.length,
    inFlightAtFault: records.filter(inFlight).length,
    failedOutsideFault: failed.filter((r) => !inFlight(r)).length,
    failuresOutsideFault: failed.filter((r) => !inFlight(r)),
    gapMs: Math.round(gapMs),
    firstSuccessAfterFaultMs: Math.round(Math.min(...after) - before),
    movedToAnotherGateway: records.filter((r) => r.attempts > 1).length,
    acknowledgedCreates: records.filter((r) => r.ok && r.kind === "create").map((r) => r.tag),
  };
}

/** One line for the test output and the script's report. */
export function describeFailover(label: string, figures: FailoverFigures): string {
  const { acknowledgedCreates, failuresOutsideFault, ...shown } = figures;
  const outside = failuresOutsideFault.map((r) => JSON.stringify(r)).join("\n  ");
  return `${label}: ${JSON.stringify({ ...shown, acknowledgedCreates: acknowledgedCreates.length })}${outside ? `\n  failed outside the fault:\n  ${outside}` : ""}`;
}
