/** The board with the configured database: libSQL when DATABASE_URL is set, else D1 (binding DB). */
import { databaseFromEnv } from "../../../../src/nimbus/index.ts";
import { board } from "./board.ts";

export default board(databaseFromEnv());
