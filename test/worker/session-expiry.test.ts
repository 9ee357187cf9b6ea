import { env } from "cloudflare:workers";
import {
  createApp,
  currentUserId,
  revokeUserSessions,
  type SessionOptions,
  signIn,
  signOut,
} from "nimbus-web";
import { coordination } from "nimbus-web/coord";
import { TestBrowser } from "nimbus-web/testing";
import { describe, expect, it } from "vitest";

// Signed-in sessions end on the server's clock: the apps below read time from `clock`, which
// the tests move forward, with limits of 1000 s absolute and 100 s idle.
let clock = 1_000_000;
const limits = { maxAgeSeconds: 1000, idleSeconds: 100, now: () => clock };
const store: SessionOptions = {
  store: (c) => coordination(c.env as never).sessions,
  serverSide: (data) => data.userId != null,
};

function appWith(sessions: SessionOptions) {
  return createApp({ logRequests: false, sessions })
    .get("/sign-in-as/:id", (c) => {
      signIn(c, Number(c.req.param("id")));
      return c.text("ok");
    })
    .get("/me", (c) => c.json({ userId: currentUserId(c) ?? null }))
    .get("/sign-out", (c) => {
      signOut(c);
      return c.text("bye");
    })
    .get("/password-changed", async (c) => {
      const userId = currentUserId(c);
      if (userId === undefined) return c.text("no", 401);
      const ended = await revokeUserSessions(c, userId);
      signIn(c, userId);
      return c.json({ ended });
    });
}

const testEnv = { ...env, NIMBUS_ENV: "development" };
const browserOn = (app: ReturnType<typeof appWith>) =>
  new TestBrowser({ fetch: async (request: Request) => app.request(request, {}, testEnv) });

async function me(browser: TestBrowser): Promise<number | null> {
  return ((await (await browser.request("/me")).json()) as { userId: number | null }).userId;
}

async function signedIn(app: ReturnType<typeof appWith>, id: number): Promise<TestBrowser> {
  const browser = browserOn(app);
  await browser.request(`/sign-in-as/${id}`);
  expect(await me(browser)).toBe(id);
  return browser;
}

const sessionId = (browser: TestBrowser) =>
  decodeURIComponent(browser.cookies.get("nimbus_session") ?? "").split(".")[0] ?? "";

describe("signed-in sessions expire on the server", () => {
  for (const [where, sessions] of [
    ["in the store", { ...store, ...limits }],
    ["in the cookie", limits],
  ] as const) {
    it(`an idle session reads as signed out (${where})`, async () => {
      const app = appWith(sessions);
      const browser = await signedIn(app, 7);
      const saved = new Map(browser.cookies);
      clock += 60_000;
      expect(await me(browser)).toBe(7); // seen again: the idle clock restarts
      clock += 99_000;
      expect(await me(browser)).toBe(7);
      clock += 100_000;
      expect(await me(browser)).toBeNull();
      // A cookie saved while the session was alive is no better: its session is idle too.
      const replay = browserOn(app);
      for (const [name, value] of saved) replay.cookies.set(name, value);
      expect(await me(replay)).toBeNull();
    });

    it(`an active session still ends at its absolute limit (${where})`, async () => {
      const app = appWith(sessions);
      const start = clock;
      const browser = await signedIn(app, 8);
      for (let t = 90; t < 1000; t += 90) {
        clock = start + t * 1000;
        expect(await me(browser)).toBe(8);
      }
      clock = start + 999_000;
      expect(await me(browser)).toBe(8);
      clock = start + 1_000_000;
      expect(await me(browser)).toBeNull();
    });
  }

  it("an expired session's data leaves the store", async () => {
    const app = appWith({ ...store, ...limits });
    const browser = await signedIn(app, 9);
    const id = sessionId(browser);
    const sessions = coordination(env as never).sessions;
    expect((await sessions.get(id))?.userId).toBe(9);
    clock += 101_000;
    expect(await me(browser)).toBeNull();
    expect(await sessions.get(id)).toBeNull();
  });
});

describe("sign-out and password change end sessions", () => {
  it("a cookie saved before sign-out is worthless after it", async () => {
    const app = appWith({ ...store, ...limits });
    const browser = await signedIn(app, 20);
    const saved = new Map(browser.cookies);
    const id = sessionId(browser);
    await browser.request("/sign-out");
    expect(await me(browser)).toBeNull();
    const replay = browserOn(app);
    for (const [name, value] of saved) replay.cookies.set(name, value);
    expect(await me(replay)).toBeNull();
    // A request that loaded the session before sign-out can't write it back either.
    const sessions = coordination(env as never).sessions;
    await sessions.set(id, { userId: 20 }, 60);
    expect(await sessions.get(id)).toBeNull();
    expect(await me(replay)).toBeNull();
  });

  it("a password change ends the user's sessions on every device, keeps this one, spares others", async () => {
    const app = appWith({ ...store, ...limits });
    const laptop = await signedIn(app, 21);
    const phone = await signedIn(app, 21);
    const someoneElse = await signedIn(app, 22);
    const phoneId = sessionId(phone);
    const res = await laptop.request("/password-changed");
    expect(await res.json()).toEqual({ ended: 2 });
    expect(await me(laptop)).toBe(21);
    expect(await me(phone)).toBeNull();
    expect(await me(someoneElse)).toBe(22);
    // A request that loaded the phone's session before it ended can't write it back.
    const sessions = coordination(env as never).sessions;
    await sessions.set(phoneId, { userId: 21 }, 60);
    expect(await sessions.get(phoneId)).toBeNull();
    // The laptop's new session is tracked in turn.
    const again = await laptop.request("/password-changed");
    expect(await again.json()).toEqual({ ended: 1 });
    expect(await me(laptop)).toBe(21);
  });
});
