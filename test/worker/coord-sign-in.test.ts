import { describe, expect, it } from "vitest";
import { appEnv } from "./support/live.ts";
import { csrfIn, freshIp, Visitor } from "./support/visitor.ts";

const PASSWORD = appEnv.EDITOR_PASSWORD ?? "";

async function attempt(visitor: Visitor, password: string) {
  const _csrf = csrfIn((await visitor.page("/session/new")).html, "/session");
  return visitor.submit("/session", { _csrf, password });
}

describe("sign in as editor", () => {
  it("the header offers it; the right password marks the session, shown in the header", async () => {
    expect(PASSWORD).not.toBe("");
    const visitor = new Visitor(freshIp());
    const before = await visitor.page("/links");
    expect(before.html).toContain('<a href="/session/new">Sign in</a>');
    const form = await visitor.page("/session/new");
    expect(form.res.status).toBe(200);
    expect(form.html).toContain('type="password" name="password"');

    const res = await attempt(visitor, PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/links");
    const after = await visitor.page("/links");
    expect(after.html).toContain("Signed in as editor.");
    expect(after.html).toMatch(/class="session-bar">Signed in as editor/);

    const _csrf = csrfIn(after.html, "/session");
    const out = await visitor.submit("/session", { _csrf, _method: "DELETE" });
    expect(out.status).toBe(303);
    const gone = await visitor.page("/links");
    expect(gone.html).toContain("Signed out.");
    expect(gone.html).toContain('<a href="/session/new">Sign in</a>');
  });

  it("a wrong password shows the form again with the message", async () => {
    const visitor = new Visitor(freshIp());
    const res = await attempt(visitor, "guess");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Editor password is not right");
    expect(html).not.toContain('value="guess"');
    expect((await visitor.page("/links")).html).not.toContain("Signed in as editor");
  });

  it("a new CSRF token comes with the new privilege", async () => {
    const visitor = new Visitor(freshIp());
    const old = csrfIn((await visitor.page("/session/new")).html, "/session");
    expect((await visitor.submit("/session", { _csrf: old, password: PASSWORD })).status).toBe(303);
    const res = await visitor.submit("/session", { _csrf: old, _method: "DELETE" });
    expect(res.status).toBe(403);
  });

  it("lets exactly 5 attempts a minute through from one address, then 429 on the form", async () => {
    const visitor = new Visitor(freshIp());
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(visitor, `wrong ${i}`)).status);
    expect(statuses).toEqual([422, 422, 422, 422, 422]);
    // The sixth is refused even with the right password.
    const refused = await attempt(visitor, PASSWORD);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const html = await refused.text();
    expect(html).toContain(
      `Too many sign-in attempts: 5 a minute are allowed. Try again in ${retryAfter} s.`,
    );
    expect(html).toContain('<form action="/session" method="post">');
    expect((await visitor.page("/links")).html).not.toContain("Signed in as editor");
    // Another address is not affected.
    expect((await attempt(new Visitor(freshIp()), PASSWORD)).status).toBe(303);
  });

  it("signing out is not counted against the limit", async () => {
    const visitor = new Visitor(freshIp());
    for (let i = 0; i < 4; i++) {
      expect((await attempt(visitor, PASSWORD)).status).toBe(303);
      const _csrf = csrfIn((await visitor.page("/links")).html, "/session");
      expect((await visitor.submit("/session", { _csrf, _method: "DELETE" })).status).toBe(303);
    }
    expect((await attempt(visitor, PASSWORD)).status).toBe(303);
    expect((await attempt(visitor, PASSWORD)).status).toBe(429);
  });
});
