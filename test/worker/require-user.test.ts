import { env } from "cloudflare:workers";
import { createApp, requireUser } from "nimbus-web";
import { describe, expect, it } from "vitest";

const app = createApp({ logRequests: false })
  .get("/sign-in-as/:id", (c) => {
    c.var.session.set("userId", Number(c.req.param("id")));
    return c.text("ok");
  })
  .get("/mine", requireUser(), (c) => c.json({ userId: c.var.session.get("userId") }));

const testEnv = { ...env, NIMBUS_ENV: "development" };

describe("requireUser()", () => {
  it("sends a browser to sign in with a safe ?next=, an API client a 401", async () => {
    const page = await app.request(
      "/mine?tab=a%20b",
      { headers: { Accept: "text/html" } },
      testEnv,
    );
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe(
      `/session/new?next=${encodeURIComponent("/mine?tab=a%20b")}`,
    );
    const api = await app.request("/mine", { headers: { Accept: "application/json" } }, testEnv);
    expect(api.status).toBe(401);
    expect(api.headers.get("Content-Type")).toContain("application/problem+json");
    expect(api.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  });

  it("lets a signed-in user through", async () => {
    const signed = await app.request("/sign-in-as/7", {}, testEnv);
    const cookie = signed.headers.get("Set-Cookie")?.split(";")[0] ?? "";
    const res = await app.request(
      "/mine",
      { headers: { Accept: "application/json", Cookie: cookie } },
      testEnv,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: 7 });
  });
});
