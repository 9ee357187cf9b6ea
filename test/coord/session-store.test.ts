import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { coordination, type SessionStore } from "../../src/nimbus/coord/index.ts";
import { coordEnv, sleep } from "./helpers.ts";

const sessions: SessionStore = coordination(coordEnv).sessions;
const ns = coordEnv.NIMBUS_COORDINATOR;
const objectOf = (id: string) => ns.get(ns.idFromName(`session:${id}`));
const tablesOf = (id: string) =>
  runInDurableObject(objectOf(id), (_, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name LIKE 'nimbus%'")
      .toArray()
      .map((t) => t.name),
  );

describe("session store", () => {
  it("sets, gets, replaces and deletes", async () => {
    expect(await sessions.get("s1")).toBeNull();
    await sessions.set("s1", { userId: 42, roles: ["admin"], flash: null }, 60);
    expect(await sessions.get("s1")).toEqual({ userId: 42, roles: ["admin"], flash: null });
    expect(await sessions.get("s2")).toBeNull();
    await sessions.set("s1", { userId: 43 }, 60);
    expect(await sessions.get("s1")).toEqual({ userId: 43 });
    await sessions.delete("s1");
    expect(await sessions.get("s1")).toBeNull();
    expect(await tablesOf("s1")).toEqual([]);
  });

  it("expires after its TTL", async () => {
    await sessions.set("short", { n: 1 }, 0.2);
    await sessions.set("long", { n: 2 }, 60);
    expect(await sessions.get("short")).toEqual({ n: 1 });
    await sleep(300);
    expect(await sessions.get("short")).toBeNull();
    expect(await sessions.get("long")).toEqual({ n: 2 });
  });

  it("an expired session's object deletes itself on its alarm", async () => {
    await sessions.set("abandoned", { n: 1 }, 0.05);
    expect(await tablesOf("abandoned")).toEqual(["nimbus_session"]);
    await sleep(100);
    await runDurableObjectAlarm(objectOf("abandoned"));
    expect(await tablesOf("abandoned")).toEqual([]);
    expect(await sessions.get("abandoned")).toBeNull();
  });

  it("reading an unknown id stores nothing, and ttl 0 deletes", async () => {
    expect(await sessions.get("never-set")).toBeNull();
    expect(await tablesOf("never-set")).toEqual([]);
    await sessions.set("zero", { a: 1 }, 60);
    await sessions.set("zero", { a: 1 }, 0);
    expect(await sessions.get("zero")).toBeNull();
  });
});

describe("a user's sessions", () => {
  const userObject = (userId: string) => ns.get(ns.idFromName(`user-sessions:${userId}`));

  it("are listed until their expiry and ended together; the list's object then goes away", async () => {
    await sessions.set("u1-a", { userId: 1 }, 60);
    await sessions.set("u1-b", { userId: 1 }, 60);
    await sessions.trackUser?.("1", "u1-a", 60);
    await sessions.trackUser?.("1", "u1-b", 60);
    await sessions.trackUser?.("1", "u1-old", 0.05);
    await sleep(100);
    expect(await sessions.revokeUser?.("1")).toBe(2);
    expect(await sessions.get("u1-a")).toBeNull();
    expect(await sessions.get("u1-b")).toBeNull();
    expect(await sessions.revokeUser?.("1")).toBe(0);
    await runDurableObjectAlarm(userObject("1"));
    const left = await runInDurableObject(userObject("1"), (_, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name LIKE 'nimbus%'").toArray(),
    );
    expect(left).toEqual([]);
  });
});
