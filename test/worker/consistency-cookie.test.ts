import { exports } from "cloudflare:workers";
import { serialize } from "hono/utils/cookie";
import { describe, expect, it } from "vitest";
import { newLink } from "./support/browser.ts";

/** A JSON create over `scheme`, as a browser's fetch without cookies makes it. */
function create(scheme: "http" | "https"): Promise<Response> {
  return exports.default.fetch(
    new Request(`${scheme}://nimbus.test/links`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(newLink()),
    }),
  );
}

describe("consistency token: the cookie a write hands a browser", () => {
  for (const scheme of ["http", "https"] as const) {
    it(`is the response header's token, with the attributes hono's cookie serializer writes (${scheme})`, async () => {
      const res = await create(scheme);
      expect(res.status).toBe(201);
      const token = res.headers.get("Nimbus-Consistency");
      expect(token).toBeTruthy();
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("nimbus_consistency="));
      expect(cookie).toBe(
        serialize("nimbus_consistency", String(token), {
          path: "/",
          httpOnly: true,
          sameSite: "Lax",
          secure: scheme === "https",
          maxAge: 24 * 60 * 60,
        }),
      );
    });
  }
});
