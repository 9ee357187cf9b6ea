/**
 * An app node for gateway tests: the test link board (database from DATABASE_URL) plus one
 * route that shows which client-address headers reached the node through the gateway.
 */
import { databaseFromEnv } from "../../../src/nimbus/index.ts";
import { demoApp } from "../../unit/data/support/app.ts";

const app = demoApp(databaseFromEnv());
app.get("/_lab/client-headers", (c) =>
  c.json({
    xForwardedFor: c.req.header("x-forwarded-for") ?? null,
    forwarded: c.req.header("forwarded") ?? null,
    xRealIp: c.req.header("x-real-ip") ?? null,
  }),
);

export default app;
