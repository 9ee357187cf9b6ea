/**
 * A CPU cap for processes, with a cgroup v1 `cpu` folder (cpu.cfs_quota_us / cpu.cfs_period_us):
 * the chaos tests slow a node down with it, the scale-out benchmark gives every node the same share.
 * Needs root and a cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = "/sys/fs/cgroup/cpu";
const PERIOD_US = 100_000;

/** True when this machine can cap CPU this way (root, cgroup v1 cpu controller mounted). */
export function cpuCgroupsAvailable(): boolean {
  return existsSync(join(ROOT, "cpu.cfs_quota_us")) && process.getuid?.() === 0;
}

export class CpuCgroup {
  readonly path: string;
  readonly percent: number;

  private constructor(path: string, percent: number) {
    this.path = path;
    this.percent = percent;
  }

  /** A new cgroup allowed `percent` % of one core (e.g. 10 → 10 ms every 100 ms). */
  static create(name: string, percent: number): CpuCgroup {
    if (!cpuCgroupsAvailable())
      throw new Error(`no writable cgroup v1 cpu hierarchy at ${ROOT} (needs root)`);
    const path = join(ROOT, name);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, "cpu.cfs_period_us"), String(PERIOD_US));
    writeFileSync(
      join(path, "cpu.cfs_quota_us"),
      String(Math.max(1000, Math.round((percent / 100) * PERIOD_US))),
    );
    return new CpuCgroup(path, percent);
  }

  /** Moves a process (all its threads) into the cgroup. */
  add(pid: number): void {
    writeFileSync(join(this.path, "cgroup.procs"), String(pid));
  }

  /** The processes in the cgroup now. */
  pids(): number[] {
    return readFileSync(join(this.path, "cgroup.procs"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(Number);
  }

  /** Periods in which the cap held the processes back (cpu.stat nr_throttled). */
  throttled(): number {
    const stat = readFileSync(join(this.path, "cpu.stat"), "utf8");
    return Number(/nr_throttled (\d+)/.exec(stat)?.[1] ?? 0);
  }

  /** Moves any process left back to the top cgroup and removes this one. */
  remove(): void {
    if (!existsSync(this.path)) return;
    const pids = readFileSync(join(this.path, "cgroup.procs"), "utf8").split("\n").filter(Boolean);
    for (const pid of pids) {
      try {
        writeFileSync(join(ROOT, "cgroup.procs"), pid);
      } catch {
        // exited meanwhile
      }
    }
    rmdirSync(this.path);
  }
}
