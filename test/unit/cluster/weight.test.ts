import { describe, expect, it } from "vitest";
import { haproxyConfig, serverOptions } from "../../../src/node/cluster/gateway/haproxy-config.ts";
import { agentAnswer, smooth, weightPercent } from "../../../src/node/cluster/node/weight.ts";

describe("a node's weight", () => {
  it("is full when idle and falls with delay and requests in flight", () => {
    expect(weightPercent({ inFlight: 0, delayMs: 2 })).toBe(100);
    const slow = weightPercent({ inFlight: 0, delayMs: 50 });
    const busy = weightPercent({ inFlight: 32, delayMs: 2 });
    expect(slow).toBeLessThan(20);
    expect(busy).toBeLessThan(50);
    expect(weightPercent({ inFlight: 32, delayMs: 50 })).toBeLessThan(Math.min(slow, busy));
  });

  it("stays between 1 and 100 whatever it is told", () => {
    for (const signals of [
      { inFlight: 1e9, delayMs: 1e9 },
      { inFlight: -5, delayMs: -5 },
      { inFlight: Number.NaN, delayMs: 0 },
    ]) {
      const weight = weightPercent(signals);
      expect(Number.isInteger(weight) && weight >= 1 && weight <= 100).toBe(true);
    }
    expect(weightPercent({ inFlight: 1e9, delayMs: 1e9 })).toBe(1);
  });

  it("answers the agent-check in HAProxy's words", () => {
    expect(agentAnswer("serving", { inFlight: 0, delayMs: 0 })).toBe("up ready 100%\n");
    expect(agentAnswer("draining", { inFlight: 0, delayMs: 0 })).toBe("drain\n");
    expect(agentAnswer("down", { inFlight: 0, delayMs: 0 })).toBe("down\n");
  });

  it("smooths samples", () => {
    expect(smooth(undefined, 10)).toBe(10);
    expect(smooth(10, 20, 0.5)).toBe(15);
  });
});

describe("the gateway config", () => {
  const config = haproxyConfig({ bind: "127.0.0.1:8080", adminSocket: "/tmp/gw.sock" });

  it("balances by load, checks health, retries idempotent requests elsewhere", () => {
    expect(config).toContain("balance leastconn");
    expect(config).toContain("uri /__nimbus/health");
    expect(config).toContain("option redispatch");
    expect(config).toMatch(/retry-on conn-failure/);
    expect(config).toMatch(/disable-l7-retry unless METH_GET/);
    expect(config).toMatch(/deny deny_status 404 if \{ path_beg \/__nimbus\/load \}/);
    expect(config).toContain("stats socket /tmp/gw.sock mode 600 level admin");
  });

  it("replaces client-sent address headers", () => {
    expect(config).toContain("http-request del-header Forwarded");
    expect(config).toContain("http-request set-header X-Forwarded-For %[src]");
  });

  it("gives each node health and agent checks", () => {
    expect(serverOptions(9081)).toMatch(/check inter 500ms fall 2.*agent-check agent-port 9081/);
    expect(serverOptions(9081, "10.0.0.21")).toContain("agent-addr 10.0.0.21");
  });
});
