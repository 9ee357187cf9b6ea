import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("answers", async () => {
  const res = await exports.default.fetch("http://x/");
  expect(await res.json()).toEqual({ one: 1 });
  expect(env).toBeDefined();
});
