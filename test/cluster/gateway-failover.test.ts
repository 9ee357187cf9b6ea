/**
 * Chaos test 2: the gateway that serves dies under steady mixed load (reads and creates).
 * vrrp: two HAProxy gateways share a virtual address through keepalived; the master's link
 * goes down and the backup takes the address. active-active: the client holds both gateways'
 * addresses and moves on when one does not answer. Either way, only requests in flight at the
 * fault may fail, every acknowledged create is in the database, and the gap is printed.
 * Every machine is a network namespace this test creates and removes.
 */
import Database from "libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFailover, failoverFigures } from "./support/failover-figures.ts";
import { addressHolder, type GatewayLab, startGatewayLab } from "./support/gateway-lab.ts";
import { canUseNamespaces } from "./support/netns.ts";

// Namespaces need root; a developer's machine without it skips, CI (root) never does.
const enabled = canUseNamespaces() || process.env.CI === "true";

function storedTags(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    const urls = db.prepare("SELECT url FROM links").pluck().all() as string[];
    return new Set(urls.map((url) => url.replace("https://example.com/", "")));
  } finally {
    db.close();
  }
}

describe.skipIf(!enabled)("gateway redundancy: vrrp", () => {
  let lab: GatewayLab | undefined;
  beforeAll(async () => {
    lab = await startGatewayLab("vrrp");
  });
  afterAll(async () => {
    await lab?.lab.cleanup();
  });

  it("replaces a client-sent X-Forwarded-For / Forwarded with the address the gateway saw", async () => {
    const gateway = lab as GatewayLab;
    const { status, body } = await gateway.get(`${gateway.urls[0]}/_lab/client-headers`, {
      "X-Forwarded-For": "6.6.6.6",
      Forwarded: "for=6.6.6.6",
      "X-Real-IP": "6.6.6.6",
    });
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({
      xForwardedFor: gateway.client.address,
      forwarded: `for=${gateway.client.address}`,
      xRealIp: gateway.client.address,
    });
  });

  it("moves the virtual address to the backup when the master's link goes down", async () => {
    const gateway = lab as GatewayLab;
    await gateway.until(
      "a gateway to hold the address",
      () => addressHolder(gateway) !== undefined,
    );
    const master = addressHolder(gateway);
    if (!master) throw new Error("no gateway holds the virtual address");
    const backup = master.machine.name === "gw1" ? "gw2" : "gw1";
    const load = await gateway.startLoad({ rate: 60 });
    await load.untilOk(60);
    // Marks on both sides of the fault: a request sent before it and unanswered then is in flight.
    await load.mark();
    gateway.lab.linkDown(master.machine);
    await load.mark();
    await gateway.until(
      "the backup to take the address",
      () => addressHolder(gateway)?.machine.name === backup,
    );
    const okAtTakeover = load.ok;
    await load.untilOk(okAtTakeover + 60);
    const figures = failoverFigures(await load.stop());
    console.log(describeFailover("gateway failover (vrrp, master link down)", figures));

    expect(figures.failed).toBeLessThanOrEqual(figures.inFlightAtFault);
    expect(figures.failedOutsideFault).toBe(0);
    const stored = storedTags(gateway.databaseFile);
    expect(figures.acknowledgedCreates.filter((tag) => !stored.has(tag))).toEqual([]);
  });
});

describe.skipIf(!enabled)("gateway redundancy: active-active", () => {
  let lab: GatewayLab | undefined;
  beforeAll(async () => {
    lab = await startGatewayLab("active-active");
  });
  afterAll(async () => {
    await lab?.lab.cleanup();
  });

  it("a client holding both gateways moves to the other when one dies", async () => {
    const gateway = lab as GatewayLab;
    const load = await gateway.startLoad({ rate: 60 });
    await load.untilOk(60);
    const [first] = gateway.gateways;
    if (!first) throw new Error("the lab has no gateway");
    await load.mark();
    gateway.lab.linkDown(first.machine);
    await load.mark();
    const okAtFault = load.ok;
    await load.untilOk(okAtFault + 100);
    const figures = failoverFigures(await load.stop());
    console.log(describeFailover("gateway failover (active-active, gw1 link down)", figures));

    expect(figures.failed).toBeLessThanOrEqual(figures.inFlightAtFault);
    expect(figures.failedOutsideFault).toBe(0);
    expect(figures.movedToAnotherGateway).toBeGreaterThan(0);
    const stored = storedTags(gateway.databaseFile);
    expect(figures.acknowledgedCreates.filter((tag) => !stored.has(tag))).toEqual([]);
  });
});
