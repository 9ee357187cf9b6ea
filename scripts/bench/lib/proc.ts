// Reading /proc: a process's children, name, memory and CPU time (Linux only, like the bench).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second, the unit of /proc CPU times (100 on nearly every Linux). */
export const TICKS_PER_SECOND =
  Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    (read(`/proc/${pid}/task/${tid}/children`) ?? "").split(" ").filter(Boolean).map(Number),
  );
}

/** `pid` and everything it started, depth first. */
export function processTree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(processTree)];
}

export function commandName(pid: number): string | undefined {
  return read(`/proc/${pid}/comm`)?.trim();
}

/** The first process named `name` in `root`'s tree (e.g. the workerd under a Miniflare host). */
export function findInTree(root: number, name: string): number | undefined {
  return processTree(root).find((pid) => commandName(pid) === name);
}

/** Resident memory in bytes, or undefined once the process is gone. */
export function residentBytes(pid: number): number | undefined {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? "");
  return match?.[1] ? Number(match[1]) * 1024 : undefined;
}

/** User + system CPU time of a process (all threads), in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy (user + nice + system) and total ticks of one CPU, from /proc/stat. */
export function coreTicks(core: number): { busy: number; total: number } {
  const line = (read("/proc/stat") ?? "").split("\n").find((l) => l.startsWith(`cpu${core} `));
  const values = (line ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0] = values;
  return { busy: user + nice + system, total: values.reduce((sum, v) => sum + v, 0) };
}

export function loadAverage(): number {
  return Number((read("/proc/loadavg") ?? "0").split(" ")[0]);
}
