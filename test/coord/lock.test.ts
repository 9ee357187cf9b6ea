import { describe, expect, it } from "vitest";
import { coordination, type Lease, LockTimeoutError } from "../../src/nimbus/coord/index.ts";
import { coordEnv, sleep } from "./helpers.ts";

const coord = coordination(coordEnv);

describe("lock", () => {
  it("never lets two contenders hold it together", async () => {
    let inside = 0;
    let most = 0;
    const fences: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, () =>
        coord.withLock("critical", { ttl: 10, wait: 10 }, async (lease) => {
          inside++;
          most = Math.max(most, inside);
          fences.push(lease.fence);
          await sleep(5);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(fences).toHaveLength(20);
    // Fencing tokens grow with each holder, in the order they held the lock.
    expect(fences).toEqual([...fences].sort((a, b) => a - b));
    expect(new Set(fences).size).toBe(20);
  });

  it("is refused while held and free again after release", async () => {
    const first = (await coord.lock("door", { ttl: 30 })) as Lease;
    expect(first.token).toMatch(/[0-9a-f-]{36}/);
    expect(await coord.lock("door", { ttl: 30 })).toBeNull();
    expect(await coord.lock("other-door", { ttl: 30 })).not.toBeNull();
    // Release needs the token: a stranger's token frees nothing.
    const stub = coordEnv.NIMBUS_COORDINATOR.get(
      coordEnv.NIMBUS_COORDINATOR.idFromName("lock:door"),
    );
    expect(await stub.release("not-the-token")).toBe(false);
    expect(await coord.lock("door", { ttl: 30 })).toBeNull();
    expect(await first.release()).toBe(true);
    expect(await first.release()).toBe(false);
    const second = await coord.lock("door", { ttl: 30 });
    expect(second?.fence).toBe(first.fence + 1);
  });

  it("frees the lock of a holder that dies at its TTL", async () => {
    const dead = (await coord.lock("lease", { ttl: 0.3 })) as Lease; // never released
    const start = Date.now();
    expect(await coord.lock("lease", { ttl: 5, wait: 0.1 })).toBeNull();
    const next = await coord.lock("lease", { ttl: 5, wait: 2 });
    const waited = Date.now() - start;
    expect(next).not.toBeNull();
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(1500);
    // The dead holder's late release and extend must not touch the new lease.
    expect(await dead.extend(10)).toBe(false);
    expect(await dead.release()).toBe(false);
    expect(await coord.lock("lease", { ttl: 5 })).toBeNull();
    expect(await next?.release()).toBe(true);
  });

  it("extends a live lease", async () => {
    const lease = (await coord.lock("long", { ttl: 0.2 })) as Lease;
    const before = lease.expiresAt;
    expect(await lease.extend(30)).toBe(true);
    expect(lease.expiresAt).toBeGreaterThan(before);
    await sleep(300);
    expect(await coord.lock("long", { ttl: 1 })).toBeNull();
  });

  it("withLock releases after a throw and times out when busy", async () => {
    await expect(
      coord.withLock("job", { ttl: 30 }, async () => {
        throw new Error("inner");
      }),
    ).rejects.toThrow("inner");
    const held = await coord.lock("job", { ttl: 30 });
    expect(held).not.toBeNull();
    const busy = coord.withLock("job", { ttl: 30, wait: 0.05 }, async () => "ran");
    await expect(busy).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(busy).rejects.toThrow(/held by someone else/);
    await held?.release();
    expect(await coord.withLock("job", { ttl: 30 }, async () => "ran")).toBe("ran");
  });

  it("rejects a missing or bad ttl", async () => {
    await expect(coord.lock("x", { ttl: 0 })).rejects.toThrow(/lock ttl must be a positive/);
  });
});
