/** The test link board as a Worker; the database comes from its bindings (D1 or DATABASE_URL). */

import { databaseFromEnv } from "../../../../src/nimbus/index.ts";
import { demoApp } from "./app.ts";

export default demoApp(databaseFromEnv());
