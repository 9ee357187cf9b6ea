// One wrk run and what we keep from its report.
import { runToEnd } from "./processes.ts";

export interface WrkOptions {
  url: string;
  connections: number;
  durationS: number;
  core?: number | undefined;
  /** A Lua script and its arguments (after `--`), for requests wrk can't express by itself. */
  script?: { path: string; args: string[] } | undefined;
  headers?: Record<string, string> | undefined;
}

export interface WrkResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** Responses that were not 2xx/3xx, plus socket errors: a run with any is suspect. */
  errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function toMs(value: string, unit: string): number {
  return Number(value) * (UNIT_MS[unit] ?? Number.NaN);
}

function percentile(report: string, label: string): number {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(report);
  if (!match?.[1] || !match[2]) throw new Error(`wrk report has no ${label}% latency:\n${report}`);
  return toMs(match[1], match[2]);
}

export function parseWrk(report: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(report)?.[1];
  const requests = /(\d+) requests in/.exec(report)?.[1];
  if (!rps || !requests) throw new Error(`unexpected wrk report:\n${report}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(report)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    report,
  );
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    rps: Number(rps),
    p50_ms: percentile(report, "50"),
    p99_ms: percentile(report, "99"),
    requests: Number(requests),
    errors: non2xx + socketErrors,
  };
}

/** One thread: the load generator gets one core, like the server. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  return parseWrk(await wrkReport(options));
}

/** wrk's report as text, for scripts that print their own figures in it. */
export async function wrkReport(options: WrkOptions): Promise<string> {
  const args = [
    "-t1",
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    "--timeout",
    "10s",
    "--latency",
  ];
  if (options.script) args.push("-s", options.script.path);
  for (const [name, value] of Object.entries(options.headers ?? {}))
    args.push("-H", `${name}: ${value}`);
  args.push(options.url);
  if (options.script) args.push("--", ...options.script.args);
  return runToEnd("wrk", args, { maxSeconds: options.durationS + 30, core: options.core });
}
