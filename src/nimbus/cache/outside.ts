/**
 * Writes outside a request (a job, a cron task: `openDatabase(env)`) invalidate too. They bump
 * the shared versions, and every app of this isolate learns the new ones at once; other nodes
 * see them within their versionsMaxAgeMs.
 */
import { WriteTracker } from "./request.ts";
import type { CacheRuntime } from "./runtime.ts";
import { TagVersions } from "./versions.ts";

/** The caches of the apps created in this isolate (one, outside tests). */
const runtimes = new Set<CacheRuntime>();

export function registerRuntime(runtime: CacheRuntime): void {
  runtimes.add(runtime);
}

class OutsideRequest extends WriteTracker {
  constructor(readonly env: object) {
    super();
  }

  async invalidate(tags: Iterable<string>): Promise<void> {
    const [first, ...others] = [...runtimes].filter((r) => r.enabled);
    const hasCoord = Boolean((this.env as { NIMBUS_COORDINATOR?: unknown }).NIMBUS_COORDINATOR);
    const versions = first ? first.versions(this.env) : hasCoord ? new TagVersions(true, 0) : null;
    if (!versions) return;
    const bumped = await versions.bump(this.env, tags);
    for (const runtime of others) runtime.versions(this.env).learn(bumped);
  }
}

/** The write tracker for a database handle opened outside a request. */
export function outsideRequestTracker(env: object): WriteTracker {
  return new OutsideRequest(env);
}
