/**
 * Nimbus's migrator, for Node (`nimbus db migrate|status`, tests, scripts): the SQL files
 * drizzle-kit writes to migrations/, applied to D1 or libSQL, recorded in wrangler's table.
 */
export { type Migration, readMigrations, statementsOf } from "./folder.ts";
export {
  type AppliedMigration,
  MIGRATIONS_TABLE,
  type MigrateOptions,
  MigrationError,
  type MigrationStatus,
  migrate,
  migrationStatus,
} from "./migrate.ts";
export {
  type LocalD1Options,
  type OpenTarget,
  openLibsql,
  openLocalD1,
  openMigrationTarget,
} from "./open.ts";
export { d1Target, libsqlTarget, type MigrationTarget } from "./target.ts";
