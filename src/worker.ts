import { app } from "./app.ts";

// The Durable Objects behind votes, rate limits, jobs and the live list (bound in wrangler.toml).
export { NimbusCoordinator, NimbusRoom } from "nimbus-web/coord";

export default app;
