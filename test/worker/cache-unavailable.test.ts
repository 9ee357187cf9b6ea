import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLink } from "./support/browser.ts";
import {
  cacheStatus,
  demoNode,
  fetchFrom,
  type Node,
  withoutTokens,
} from "./support/cache-nodes.ts";

/** A coordination binding every call of which fails, as when the coordination host is down. */
const unreachableCoordinator = {
  idFromName: (name: string) => ({ name, toString: () => name }),
  get: () =>
    new Proxy(
      {},
      {
        get: (_, property) =>
          property === "then"
            ? undefined
            : () => Promise.reject(new Error("coordination host unreachable")),
      },
    ),
};

/** A node of the demo whose nimbus/coord (where the cache's tag versions live) is out of reach. */
const nodeWithoutCoordination = (): Node =>
  demoNode({ versionsMaxAgeMs: 0 }, { ...env, NIMBUS_COORDINATOR: unreachableCoordinator });

describe("cache: out of reach, it costs speed, never the answer", () => {
  it("a cached page is answered uncached, current and whole when the tag versions can't be read", async () => {
    const link = await createLink({ title: `Unreachable ${Date.now()}` });
    const down = nodeWithoutCoordination();
    const off = demoNode({ enabled: false });

    for (const path of ["/links", `/links/${link.id}`]) {
      const res = await fetchFrom(down, path, { Accept: "text/html" });
      expect(res.status).toBe(200);
      expect(cacheStatus(res)).toBe("unavailable");
      expect(res.headers.get("ETag")).toMatch(/^"/);
      const shown = withoutTokens(await res.text());
      expect(shown).toContain(link.title);
      const reference = await fetchFrom(off, path, { Accept: "text/html" });
      expect(shown).toBe(withoutTokens(await reference.text()));
    }
  });
});
