import { env } from "cloudflare:workers";
import { createApp, currentUserId, requireUser, sql } from "nimbus-web";
import { describe, expect, it } from "vitest";

// createApp({ apiTokens }): the lookup reads the app's database, as a tokens table is read.
const app = createApp({
  logRequests: false,
  apiTokens: {
    async userIdFor(hash, c) {
      const row: { id: number } | undefined = await c.var.db.get(
        // User 7 holds every token whose hash is a SHA-256 in hex.
        sql`SELECT 7 AS id WHERE length(${hash}) = 64`,
      );
      return row?.id;
    },
  },
}).get("/me", requireUser(), (c) => c.json({ userId: currentUserId(c) }));

describe("API tokens looked up in the database", () => {
  it("signs a request in through c.var.db", async () => {
    const res = await app.request(
      "/me",
      { headers: { Accept: "application/json", Authorization: "Bearer nimbus_abc" } },
      { ...env, NIMBUS_ENV: "development" },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: 7 });
  });
});
