/**
 * Machines for multi-host tests: one network namespace per machine, joined by a bridge that
 * lives in a namespace of its own, so nothing is added to the host's network. Every namespace
 * carries this run's unique suffix and is removed by its exact name; a watchdog process removes
 * them (and kills what ran in them) if the test process dies before its cleanup.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The lab's subnet; it exists only inside this run's namespaces. */
export const SUBNET = "10.213.0";

export interface Machine {
  name: string;
  /** The namespace's exact name. */
  ns: string;
  /** Its address on the lab network. */
  address: string;
  /** Its interface on the lab network. */
  interface: "eth0";
}

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Whether this process may create network namespaces (root, ip, a kernel that allows it). */
export function canUseNamespaces(): boolean {
  const probe = `nbprobe-${process.pid}-${Date.now().toString(36)}`;
  try {
    ip("netns", "add", probe);
    ip("netns", "del", probe);
    return true;
  } catch {
    return false;
  }
}

export class Lab {
  readonly suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  readonly dir = mkdtempSync(join(tmpdir(), "nimbus-lab-"));
  readonly machines = new Map<string, Machine>();
  private readonly lan = `nb-${this.suffix}-lan`;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly nsFile = join(this.dir, "namespaces");
  private readonly pidFile = join(this.dir, "pids");
  private readonly watchdog: ChildProcess;
  private closed = false;

  constructor() {
    writeFileSync(this.nsFile, "");
    writeFileSync(this.pidFile, "");
    // If this process dies before cleanup(), the watchdog kills the lab's processes and
    // removes its namespaces by the names recorded here, then itself.
    const script = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      `for p in $(cat '${this.pidFile}'); do kill -9 "$p" 2>/dev/null; done`,
      `for n in $(cat '${this.nsFile}'); do ip netns del "$n" 2>/dev/null; done`,
      `rm -rf '${this.dir}'`,
    ].join("\n");
    this.watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
    this.watchdog.unref();
    this.addNamespace(this.lan);
    ip("-n", this.lan, "link", "add", "br0", "type", "bridge");
    ip("-n", this.lan, "link", "set", "br0", "up");
  }

  private addNamespace(ns: string): void {
    ip("netns", "add", ns);
    this.namespaces.push(ns);
    appendFileSync(this.nsFile, `${ns}\n`);
    ip("-n", ns, "link", "set", "lo", "up");
  }

  /** A machine on the lab network at SUBNET.host. */
  addMachine(name: string, host: number): Machine {
    const ns = `nb-${this.suffix}-${name}`;
    const address = `${SUBNET}.${host}`;
    this.addNamespace(ns);
    const port = `v${name}`.slice(0, 15);
    // Made inside the lab's namespaces: one end on the bridge, the other is the machine's eth0.
    ip("-n", this.lan, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("-n", this.lan, "link", "set", port, "master", "br0", "up");
    ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
    ip("-n", ns, "link", "set", "eth0", "up");
    const machine: Machine = { name, ns, address, interface: "eth0" };
    this.machines.set(name, machine);
    return machine;
  }

  /** Starts `command` inside `machine`; its pid is the command's own (ip netns exec execs). */
  spawn(machine: Machine, command: string, args: string[], logName?: string): ChildProcess {
    const child = spawn("ip", ["netns", "exec", machine.ns, command, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    if (child.pid) appendFileSync(this.pidFile, `${child.pid}\n`);
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    if (logName) {
      const log = join(this.dir, `${logName}.log`);
      const write = (chunk: Buffer) => {
        if (!this.closed) appendFileSync(log, chunk);
      };
      child.stdout?.on("data", write);
      child.stderr?.on("data", write);
    }
    return child;
  }

  /** Runs a short command inside `machine` and returns its output. */
  exec(machine: Machine, command: string, args: string[]): string {
    return execFileSync("ip", ["netns", "exec", machine.ns, command, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** The machine's addresses on eth0 (to see where a virtual address lives). */
  addresses(machine: Machine): string[] {
    const out = ip("-n", machine.ns, "-o", "-4", "addr", "show", "dev", "eth0");
    return [...out.matchAll(/inet (\S+)\//g)].map((m) => m[1] as string);
  }

  /** The last lines of every log the lab's processes wrote, for an error message. */
  logTails(lines = 6): string {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith(".log"))
      .map((name) => {
        const text = readFileSync(join(this.dir, name), "utf8").trimEnd().split("\n");
        return `--- ${name}\n${text
          .slice(-lines)
          .map((l) => l.slice(0, 300))
          .join("\n")}`;
      })
      .join("\n");
  }

  /** Cuts the machine off the network, as a pulled cable or a dead host would. */
  linkDown(machine: Machine): void {
    ip("-n", machine.ns, "link", "set", "eth0", "down");
  }

  /** Kills every process the lab started (SIGKILL, by pid) and removes its namespaces. */
  async cleanup(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.children].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }),
    );
    for (const ns of this.namespaces.reverse()) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
    }
    this.namespaces.length = 0;
    writeFileSync(this.nsFile, "");
    if (this.watchdog.pid) {
      try {
        process.kill(this.watchdog.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    // NIMBUS_LAB_KEEP=1 keeps the configs and logs for a look after a failure.
    if (process.env.NIMBUS_LAB_KEEP) console.log(`lab files kept in ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
