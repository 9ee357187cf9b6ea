/**
 * The node supervisor (`nimbus cluster node`): runs workerd, watches its load, answers HAProxy's
 * agent-check with a weight, checks in with every gateway, and on SIGTERM drains then leaves.
 * A Node process beside workerd because workerd serves only HTTP and the agent-check is a raw
 * TCP line protocol; keeping it outside the Worker also keeps the isolate free of it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Server } from "node:net";
import { LOAD_PATH, NODE_TOKEN_HEADER, type NodeLoad } from "../../../nimbus/cluster/node-load.ts";
import { NODE_TOKEN_ENV } from "../node-config.ts";
import { startAgentServer } from "./agent-server.ts";
import { checkIn, drain, leave, requestsAt } from "./check-in.ts";
import type { NodeSpec } from "./spec.ts";
import { agentAnswer, type LoadSignals, smooth } from "./weight.ts";

const PROBE_EVERY_MS = 200;
const CHECK_IN_EVERY_MS = 1000;

function log(name: string, message: string): void {
  process.stdout.write(`${new Date().toISOString()} [${name}] ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class NodeSupervisor {
  private workerd: ChildProcess | undefined;
  private agent: Server | undefined;
  private state: "starting" | "serving" | "draining" | "stopped" = "starting";
  private signals: LoadSignals = { inFlight: 0, delayMs: 0 };
  private lastReport: NodeLoad | undefined;
  private lastReportAt = 0;
  private readonly token = randomBytes(24).toString("hex");
  private readonly timers: NodeJS.Timeout[] = [];

  private readonly spec: NodeSpec;

  constructor(spec: NodeSpec) {
    this.spec = spec;
  }

  private get url(): string {
    return `http://${this.spec.host.includes(":") ? `[${this.spec.host}]` : this.spec.host}:${this.spec.port}`;
  }

  private startWorkerd(): void {
    const child = spawn(this.spec.workerd, ["serve", this.spec.config], {
      env: { ...process.env, ...this.spec.env, [NODE_TOKEN_ENV]: this.token },
      stdio: ["ignore", "inherit", "inherit"],
    });
    this.workerd = child;
    child.on("exit", (code, signal) => {
      if (this.state === "stopped" || this.workerd !== child) return;
      // Like systemd's Restart=always: the gateway's health check has taken the node out meanwhile.
      log(this.spec.name, `workerd exited (${signal ?? code}); starting it again`);
      setTimeout(() => this.state !== "stopped" && this.startWorkerd(), 500);
    });
  }

  /** One load report: the round trip is the delay signal, the body the in-flight count. */
  private async probe(): Promise<void> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.url}${LOAD_PATH}`, {
        headers: { [NODE_TOKEN_HEADER]: this.token },
        signal: AbortSignal.timeout(2000),
      });
      if (res.status !== 200) throw new Error(`load report answered ${res.status}`);
      const report = (await res.json()) as NodeLoad;
      const delay = performance.now() - started;
      this.signals = {
        inFlight: smooth(this.signals.inFlight, report.inFlight),
        delayMs: smooth(this.signals.delayMs, delay),
      };
      this.lastReport = report;
      this.lastReportAt = Date.now();
    } catch {
      // A node that cannot answer in 2 s is as slow as it gets.
      this.signals = { ...this.signals, delayMs: smooth(this.signals.delayMs, 2000) };
    }
  }

  private answer(): string {
    if (this.state === "draining" || this.state === "stopped")
      return agentAnswer("draining", this.signals);
    // Liveness is the HTTP check's call; a slow node stays in, with a small weight.
    if (this.state === "starting") return agentAnswer("down", this.signals);
    return agentAnswer("serving", this.signals);
  }

  private async checkInEverywhere(): Promise<void> {
    await Promise.all(
      this.spec.gateways.map(async (gateway) => {
        try {
          if (await checkIn(gateway, { ...this.spec }))
            log(this.spec.name, `checked in with gateway ${gateway}`);
        } catch (error) {
          log(this.spec.name, `gateway ${gateway}: ${(error as Error).message}`);
        }
      }),
    );
  }

  private every(ms: number, work: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      work().finally(() => {
        busy = false;
      });
    }, ms);
    this.timers.push(timer);
  }

  /** Starts workerd, waits until it serves, then checks in with every gateway. */
  async start(): Promise<void> {
    this.agent = await startAgentServer(this.spec.agentHost, this.spec.agentPort, () =>
      this.answer(),
    );
    this.startWorkerd();
    const deadline = Date.now() + 60_000;
    while (this.lastReportAt === 0) {
      if (Date.now() > deadline) throw new Error(`workerd did not serve ${this.url} within 60 s`);
      await this.probe();
      if (this.lastReportAt === 0) await sleep(100);
    }
    this.state = "serving";
    this.every(PROBE_EVERY_MS, () => this.probe());
    await this.checkInEverywhere();
    this.every(CHECK_IN_EVERY_MS, () =>
      this.state === "serving" ? this.checkInEverywhere() : Promise.resolve(),
    );
    log(
      this.spec.name,
      `serving on ${this.url}, agent on ${this.spec.agentHost}:${this.spec.agentPort}`,
    );
  }

  /** Drain: no new requests, the in-flight ones finish; then leave every gateway and stop. */
  async stop(): Promise<void> {
    if (this.state === "draining" || this.state === "stopped") return;
    this.state = "draining";
    log(this.spec.name, "draining");
    const gateways = this.spec.gateways;
    await Promise.all(gateways.map((g) => drain(g, this.spec.name).catch(() => undefined)));
    const deadline = Date.now() + (this.spec.drainTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      const atGateways = await Promise.all(
        gateways.map((g) => requestsAt(g, this.spec.name).catch(() => 0)),
      );
      await this.probe();
      const here = this.lastReport?.inFlight ?? 0;
      if (here === 0 && atGateways.every((n) => n === 0)) break;
      await sleep(100);
    }
    await Promise.all(gateways.map((g) => leave(g, this.spec.name).catch(() => undefined)));
    this.state = "stopped";
    for (const timer of this.timers) clearInterval(timer);
    this.agent?.close();
    const child = this.workerd;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    log(this.spec.name, "left every gateway and stopped");
  }
}

/** Runs a supervisor until SIGTERM/SIGINT, then drains and exits. */
export async function runNode(spec: NodeSpec): Promise<void> {
  const supervisor = new NodeSupervisor(spec);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void supervisor.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  await supervisor.start();
}
